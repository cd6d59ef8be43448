using System.Globalization;

namespace FedScore.Secure.Scoring.Federated;

/// <summary>A released aggregate would disclose too much; nothing derived from it was used or stored.</summary>
public sealed class DisclosureRefusedException : Exception
{
    public DisclosureRefusedException(string statistic, string cell, string reason)
        : base($"disclosure control refused '{statistic}' ({cell}): {reason}")
    {
        Statistic = statistic;
        Cell = cell;
        Reason = reason;
    }

    /// <summary>The request kind, e.g. "fedscore.score-counts".</summary>
    public string Statistic { get; }

    /// <summary>Which cell or model, e.g. "cases at score 87" or "Age[49,76) rows".</summary>
    public string Cell { get; }

    public string Reason { get; }
}

/// <summary>
/// DataSHIELD-style disclosure control on released aggregates: a count cell between 1 and
/// <see cref="MinCellCount"/>−1 is refused (nfilter.tab; 0 is allowed: an empty cell says nothing about a person),
/// and a GLM is refused when the pooled n is below <see cref="MinGlmRows"/> or its parameter count exceeds
/// <see cref="MaxGlmParameterFraction"/>·n (nfilter.glm).
/// </summary>
/// <remarks>
/// LIMITATION (honest statement of where the check runs): the aggregate is checked by the coordinator's code right
/// after the secure sum is unmasked/decrypted and BEFORE anything else uses, stores or returns it — the refusal then
/// discards it. The aggregation server process itself has therefore seen the refused sum. A threshold-decryption
/// scheme (Paillier/lattice with shared keys) could enforce the policy at the decryptors, each refusing to release
/// its decryption share for a vector that fails the check, so that a refused sum is never learnt by anyone
/// (future work). Intermediate bisection counts used to locate pooled order statistics (quantiles, medians) are
/// consumed only as comparisons "count ≥ k" inside library code and are not checked cell by cell (a secure
/// comparison protocol would release only that bit; future work).
/// </remarks>
public sealed record DisclosurePolicy
{
    /// <summary>DataSHIELD's default nfilter.tab is 3.</summary>
    public int MinCellCount { get; init; } = 3;

    /// <summary>Smallest pooled n for which a regression is released.</summary>
    public int MinGlmRows { get; init; } = 10;

    /// <summary>DataSHIELD's nfilter.glm: parameters ≤ 0.33·n.</summary>
    public double MaxGlmParameterFraction { get; init; } = 0.33;

    /// <summary>
    /// Whether every cell of a per-score count table must pass <see cref="MinCellCount"/>. Exact tables of integer
    /// scores almost always hold cells of 1 or 2, so a strict check refuses every pooled AUC; when false (the default)
    /// only the class totals are checked and the table itself is treated as an intermediate that the ROC code consumes
    /// and nothing stores or prints (the released statistics are the AUC, its CI and banded metrics).
    /// </summary>
    public bool CheckScoreTablesPerCell { get; init; }

    /// <summary>Default: cells ≥ 3, GLM n ≥ 10 and p ≤ 0.33·n; score tables checked on their class totals.</summary>
    public static DisclosurePolicy Default { get; } = new();

    /// <summary>No cell check (MinCellCount = 1); only for data owners who have agreed to release small cells.</summary>
    public static DisclosurePolicy AllowSmallCells { get; } = new() { MinCellCount = 1 };

    /// <summary>Refuses the vector if any cell is in [1, MinCellCount−1]; <paramref name="cellName"/> names cell i.</summary>
    public void CheckCounts(string statistic, ReadOnlySpan<long> counts, Func<int, string> cellName)
    {
        for (var i = 0; i < counts.Length; i++)
        {
            CheckCell(statistic, counts[i], () => cellName(i));
        }
    }

    /// <summary>Refuses one count in [1, MinCellCount−1] (negative counts are a protocol error).</summary>
    public void CheckCell(string statistic, long count, Func<string> cellName)
    {
        if (count < 0)
        {
            throw new DisclosureRefusedException(statistic, cellName(), $"a count of {count} is impossible (corrupted aggregate).");
        }

        if (count > 0 && count < MinCellCount)
        {
            throw new DisclosureRefusedException(statistic, cellName(),
                $"the count is below the minimum cell size {MinCellCount.ToString(CultureInfo.InvariantCulture)} (values 1 to {(MinCellCount - 1).ToString(CultureInfo.InvariantCulture)} are not released).");
        }
    }

    /// <summary>nfilter.glm-style check before a regression's coefficients are released.</summary>
    public void CheckGlm(string statistic, double n, int parameters)
    {
        if (n < MinGlmRows)
        {
            throw new DisclosureRefusedException(statistic, $"model with {parameters} parameters",
                $"pooled n = {n.ToString(CultureInfo.InvariantCulture)} is below the minimum {MinGlmRows.ToString(CultureInfo.InvariantCulture)} for a regression.");
        }

        if (parameters > MaxGlmParameterFraction * n)
        {
            throw new DisclosureRefusedException(statistic, $"model with {parameters} parameters",
                $"{parameters} parameters exceed {MaxGlmParameterFraction.ToString(CultureInfo.InvariantCulture)}·n = {(MaxGlmParameterFraction * n).ToString("G4", CultureInfo.InvariantCulture)} (saturated models can reveal individual outcomes).");
        }
    }
}
