using FedScore.Secure.Scoring.Data;

namespace FedScore.Secure.Cli.Training;

/// <summary>One simulated site per CSV file, named after the file (site1.csv → site1).</summary>
internal static class SiteFiles
{
    /// <param name="used">Site names already taken (e.g. by --store sites); the new names are added to it.</param>
    public static IReadOnlyList<(ParticipantId Site, Dataset Data)> Load(IReadOnlyList<FileInfo> files, string outcome, ISet<ParticipantId>? used = null)
    {
        if (files.Count == 0)
        {
            throw new ArgumentException("give at least one --data FILE (one per site)");
        }

        used ??= new HashSet<ParticipantId>();
        var result = new List<(ParticipantId, Dataset)>();
        foreach (FileInfo file in files)
        {
            if (!file.Exists)
            {
                throw new FileNotFoundException($"data file not found: {file.FullName}", file.FullName);
            }

            Dataset data = CsvDatasetLoader.Load(file.FullName, new CsvLoadOptions { OutcomeColumn = outcome });
            ParticipantId id = UniqueName(Path.GetFileNameWithoutExtension(file.Name), used);
            result.Add((id, data));
        }

        return result;
    }

    private static ParticipantId UniqueName(string stem, ISet<ParticipantId> used)
    {
        string clean = new(stem.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' ? c : '_').Take(48).ToArray());
        if (clean.Length == 0)
        {
            clean = "site";
        }

        var id = new ParticipantId(clean);
        for (int k = 2; !used.Add(id); k++)
        {
            id = new ParticipantId($"{clean}-{k}");
        }

        return id;
    }
}
