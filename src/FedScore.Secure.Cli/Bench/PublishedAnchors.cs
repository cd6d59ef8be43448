using System.Globalization;
using System.Text;
using FedScore.Secure.Aggregation.Simulation;

namespace FedScore.Secure.Cli.Bench;

/// <summary>What of a measured cell an anchor is compared with.</summary>
internal enum AnchorMetric
{
    /// <summary>Server's total ms for the round.</summary>
    ServerMillis,

    /// <summary>A site's total ms over the round, scaled linearly to 100,000 values.</summary>
    ClientMillisPer100k,

    /// <summary>A site's ms in the upload stage only (encode + encrypt or mask), scaled linearly to 100,000 values.</summary>
    UploadStageClientMillisPer100k,

    /// <summary>Bytes a site uploads over the whole round ÷ 4 bytes per value.</summary>
    ExpansionVsFloat32,

    /// <summary>Bytes a site uploads in the upload stage only ÷ 4 bytes per value (the ciphertexts, no key material).</summary>
    UploadExpansionVsFloat32,

    /// <summary>Wall time of the round ÷ plain's wall time on the same inputs in the same run.</summary>
    WallRatio,
}

/// <summary>
/// A published number, where it comes from, and the setting it was measured in. Values are those of
/// shared/docs/secure-aggregation-landscape.md (section ii and 8.3); the runner puts our measurement of the same
/// quantity next to them and says when our setting differs.
/// </summary>
internal sealed record Anchor(string System, string Quantity, string Scheme, int Sites, int Length, double Dropout, AnchorMetric Metric, string Published, string Setting, string Source);

/// <summary>The "Compared with published numbers" section of results.md.</summary>
internal static class PublishedAnchors
{
    private const string Landscape = "shared/docs/secure-aggregation-landscape.md";
    private static readonly CultureInfo s_inv = CultureInfo.InvariantCulture;

    public static readonly IReadOnlyList<Anchor> All =
    [
        new("plain sum (.NET 10)", "server time, n = 100, 100k values", "plain", 100, 100_000, 0, AnchorMetric.ServerMillis,
            "4.6–10.3 ms", "float32 vectors summed in memory, one core, no messages", $"{Landscape} §ii (MEASURED)"),
        new("SecAgg'17", "server time, n = 500, 0 % dropout", "masking", 500, 100_000, 0, AnchorMetric.ServerMillis,
            "≈ 2 s", "Java, 1 thread, 24-bit values, vector length per the paper's experiment", $"Bonawitz et al., CCS 2017, via {Landscape} §ii (SECONDARY)"),
        new("SecAgg'17", "server time, n = 500, 10 % dropout", "masking", 500, 100_000, 0.1, AnchorMetric.ServerMillis,
            "≈ 62 s", "Java, 1 thread, 24-bit values", $"Bonawitz et al., CCS 2017, via {Landscape} §ii (SECONDARY)"),
        new("SecAgg'17", "client time per 100k values, n = 500", "masking", 500, 100_000, 0, AnchorMetric.ClientMillisPer100k,
            "≈ 850 ms", "Java, 1 thread", $"Bonawitz et al., CCS 2017, via {Landscape} §ii (SECONDARY)"),
        new("SecAgg'17", "expansion of the upload", "masking", 500, 1_000_000, 0, AnchorMetric.ExpansionVsFloat32,
            "1.73×", "2^10 users, d = 2^20, 16-bit values; relative to sending the values in the clear (ours: relative to float32)", $"Bonawitz et al., CCS 2017, via {Landscape} §ii"),
        new("pairwise masking from .NET primitives", "client time per 100k values, n = 100, full graph", "masking", 100, 100_000, 0, AnchorMetric.ClientMillisPer100k,
            "10–17 ms (+ ECDH 0.15–0.33 ms per neighbour)", "AES-CTR PRG + mod-2^32 add per neighbour, primitives only", $"{Landscape} §ii (MEASURED + INFERRED)"),
        new("pairwise masking from .NET primitives", "client time per 100k values, SecAgg+ (≈ 14–18 neighbours)", "secagg+", 100, 100_000, 0, AnchorMetric.ClientMillisPer100k,
            "≈ 2–3 ms (+ ECDH per neighbour)", "primitives only", $"{Landscape} §ii (MEASURED + INFERRED)"),
        new("NVFlare FedAvg + HE (CKKS)", "wall-clock overhead vs plain", "ckks", 10, 1_000_000, 0, AnchorMetric.WallRatio,
            "2.7× (1.7× older README; +20 % 2021 blog)", "end to end: 8 clients, CIFAR-10 ModerateCNN ≈ 3.5 M parameters, 50 rounds, training included (ours: one aggregation round, no training)", $"NVFlare README, via {Landscape} §ii (READ-DOC)"),
        new("NVFlare FedAvg + HE (CKKS)", "message growth", "ckks", 10, 1_000_000, 0, AnchorMetric.ExpansionVsFloat32,
            "≈ 15× (19 → 283 MB)", "CKKS N = 8192 {60, 40, 40}, one key for all clients (ours: threshold keys, so key-setup bytes are included)", $"NVIDIA blog, via {Landscape} §ii (SECONDARY)"),
        new("SEAL 4.4.3 CKKS", "encrypt per 100k values (client)", "ckks", 10, 1_000_000, 0, AnchorMetric.UploadStageClientMillisPer100k,
            "49–79 ms (N = 4096); 71–109 ms (N = 8192)", "native C++, 1 thread, public-key encryption; our parameters are chosen by the planner and may differ", $"{Landscape} §8.3 (MEASURED)"),
        new("SEAL 4.4.3 CKKS", "ciphertext expansion vs float32", "ckks", 10, 1_000_000, 0, AnchorMetric.UploadExpansionVsFloat32,
            "8.0× pk / 4.0× seeded (N = 4096); 16.4× / 8.2× (N = 8192)", "fresh ciphertexts, no key material", $"{Landscape} §8.3 (MEASURED)"),
        new("SEAL 4.4.3 BFV", "encrypt per 100k values (client)", "bfv", 10, 1_000_000, 0, AnchorMetric.UploadStageClientMillisPer100k,
            "26 ms (N = 4096, 20-bit t)", "native C++, 1 thread", $"{Landscape} §8.3 (MEASURED)"),
        new("SEAL 4.4.3 BFV", "ciphertext expansion vs 4 B/value", "bfv", 10, 1_000_000, 0, AnchorMetric.UploadExpansionVsFloat32,
            "8.2× pk / 4.1× seeded (N = 4096)", "fresh ciphertexts, no key material", $"{Landscape} §8.3 (MEASURED)"),
        new("Paillier 2048 (.NET BigInteger)", "client time per 100k values, 41 slots per ciphertext", "paillier", 10, 100_000, 0, AnchorMetric.ClientMillisPer100k,
            "≈ 3–4 min", "slot-packed encryption, one core", $"{Landscape} §ii (MEASURED)"),
        new("Paillier 2048 (.NET BigInteger)", "expansion, packed", "paillier", 10, 100_000, 0, AnchorMetric.ExpansionVsFloat32,
            "3.1×", "41 slots per 2048-bit ciphertext", $"{Landscape} §ii (MEASURED)"),
    ];

    /// <summary>The section as Markdown: one row per anchor whose scheme was measured in this run; the others are listed as not compared.</summary>
    public static string Section(BenchReport report)
    {
        var sb = new StringBuilder("## Compared with published numbers\n\n");
        sb.Append("Published figures from the systems this project is measured against, next to this run's measurement of the same quantity. ");
        sb.Append("Our value comes from the measured cell closest to the anchor's setting; **setting differs** says how, and a per-100k value scaled from ");
        sb.Append("another length assumes cost linear in the length. Different machines, languages and parameters: read these as orders of magnitude, not as a race.\n\n");
        sb.Append("| system | quantity | published | their setting | ours | our cell | source |\n|---|---|---|---|---:|---|---|\n");
        var notCompared = new List<Anchor>();
        foreach (Anchor a in All)
        {
            CellResult? cell = Closest(report, a);
            string? ours = cell is null ? null : Ours(cell, a.Metric);
            if (cell is null || ours is null)
            {
                notCompared.Add(a);
                continue;
            }

            string setting = Describe(cell.Cell);
            string differs = cell.Cell.Sites == a.Sites && cell.Cell.Length == a.Length && cell.Cell.DropoutRate == a.Dropout
                ? ""
                : $" — **setting differs** (anchor n = {a.Sites}, d = {a.Length:N0}, drop = {a.Dropout:0.##})";
            sb.Append(s_inv, $"| {a.System} | {a.Quantity} | {a.Published} | {a.Setting} | {ours} | {setting}{differs} | {a.Source} |\n");
        }

        if (notCompared.Count > 0)
        {
            sb.Append("\nNot compared (the scheme was not measured in this run, or the quantity is not available): ");
            sb.AppendJoin("; ", notCompared.Select(a => $"{a.System} — {a.Quantity} ({a.Published})"));
            sb.Append(".\n");
        }

        sb.Append('\n');
        return sb.ToString();
    }

    private static string Describe(BenchCell c) => string.Create(s_inv, $"{c.Scheme} n = {c.Sites}, d = {c.Length:N0}, drop = {c.DropoutRate:0.##}");

    /// <summary>The measured cell of the anchor's scheme nearest its setting (log distance in sites and length; dropout must match if possible).</summary>
    internal static CellResult? Closest(BenchReport report, Anchor a)
    {
        CellResult[] measured = report.Cells.Where(c => c.Ok && string.Equals(c.Cell.Scheme, a.Scheme, StringComparison.OrdinalIgnoreCase)).ToArray();
        if (measured.Length == 0)
        {
            return null;
        }

        return measured.MinBy(c =>
            Math.Abs(Math.Log(c.Cell.Sites / (double)a.Sites)) +
            Math.Abs(Math.Log(c.Cell.Length / (double)a.Length)) +
            (Math.Abs(c.Cell.DropoutRate - a.Dropout) < 1e-9 ? 0 : 10));
    }

    private static string? Ours(CellResult c, AnchorMetric metric)
    {
        RunCost s = c.Secure!;
        double per100k = 100_000.0 / c.Cell.Length;
        StageMetrics? upload = s.Stages.FirstOrDefault(st => st.Stage == "upload");
        return metric switch
        {
            AnchorMetric.ServerMillis => Ms(s.ServerMillis),
            AnchorMetric.ClientMillisPer100k => Ms(s.ClientMillis * per100k),
            AnchorMetric.UploadStageClientMillisPer100k => upload is null ? null : Ms(upload.MedianClientMillis * per100k),
            AnchorMetric.ExpansionVsFloat32 => c.ExpansionVsFloat32 is { } e ? $"{e:0.##}×" : null,
            AnchorMetric.UploadExpansionVsFloat32 => upload is { Participants: > 0 } u ? $"{u.BytesUploaded / (double)u.Participants / (4.0 * c.Cell.Length):0.##}×" : null,
            AnchorMetric.WallRatio => c.WallRatio is { } w ? $"{w:0.##}× (one round)" : null,
            _ => null,
        };
    }

    private static string Ms(double ms) => ms switch
    {
        >= 60_000 => (ms / 60_000).ToString("0.0", s_inv) + " min",
        >= 1000 => (ms / 1000).ToString("0.0#", s_inv) + " s",
        >= 10 => ms.ToString("0", s_inv) + " ms",
        _ => ms.ToString("0.0##", s_inv) + " ms",
    };
}
