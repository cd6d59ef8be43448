using FedScore.Secure.Emr.CaseScoring;
using FedScore.Secure.Emr.Model;
using FedScore.Secure.Emr.Storage;

namespace FedScore.Secure.Emr.Web;

/// <summary>
/// The only door from the page to the store: read methods only, so no request can change the site's records or score
/// tables whatever it sends.
/// </summary>
internal sealed class ReadOnlyEmrView(IEmrStore store)
{
    public StoredScoreCard? GetScoreCard(int? version) => store.GetScoreCard(version);

    public EncounterRecord? GetEncounter(string encounterId) => store.GetEncounter(encounterId);

    /// <summary>Ids of current encounters (no outcome yet) in ingestion order, at most <paramref name="max"/>, and how many there are.</summary>
    public (IReadOnlyList<string> Ids, int Count) GetCurrentIds(int max)
    {
        var current = store.GetEncounters(EncounterSelection.Current);
        return ([.. current.Take(max).Select(e => e.EncounterId)], current.Count);
    }
}
