namespace FedScore.Secure.Emr.Web;

/// <summary>A named band of estimated risk: risks ≥ <paramref name="MinRisk"/> (up to the next band) fall in it.</summary>
/// <param name="CssClass">Style hook: one of "low", "moderate", "high" (others render unstyled).</param>
public sealed record RiskBand(string Name, double MinRisk, string CssClass);

/// <summary>
/// Bands of estimated risk shown to the clinician. The thresholds are a site decision (AutoScore leaves the score
/// cut-offs of its conversion table to the user); the default is a plain three-band split, not a clinically validated
/// one, and the page says so.
/// </summary>
public sealed class RiskBands
{
    private readonly RiskBand[] _bands;

    /// <param name="bands">Sorted by strictly increasing MinRisk; the first starts at 0.</param>
    public RiskBands(IEnumerable<RiskBand> bands)
    {
        _bands = [.. bands];
        if (_bands.Length == 0 || _bands[0].MinRisk != 0)
        {
            throw new ArgumentException("Risk bands must start at risk 0.", nameof(bands));
        }

        for (var i = 1; i < _bands.Length; i++)
        {
            if (!(_bands[i].MinRisk > _bands[i - 1].MinRisk && _bands[i].MinRisk <= 1))
            {
                throw new ArgumentException("Risk band thresholds must increase strictly and lie in (0, 1].", nameof(bands));
            }
        }
    }

    /// <summary>Low below 10 %, moderate from 10 % to below 30 %, high from 30 %.</summary>
    public static RiskBands Default { get; } = FromThresholds(0.10, 0.30);

    public IReadOnlyList<RiskBand> Bands => _bands;

    /// <summary>Three bands low / moderate / high split at two thresholds (fractions, e.g. 0.1 and 0.3).</summary>
    public static RiskBands FromThresholds(double moderateFrom, double highFrom) =>
        new([new RiskBand("low", 0, "low"), new RiskBand("moderate", moderateFrom, "moderate"), new RiskBand("high", highFrom, "high")]);

    public RiskBand BandOf(double risk)
    {
        var band = _bands[0];
        foreach (var b in _bands)
        {
            if (risk >= b.MinRisk)
            {
                band = b;
            }
        }

        return band;
    }
}
