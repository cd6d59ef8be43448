namespace FedScore.Secure.Crypto.Lattice.Ckks;

/// <summary>Measured precision of decoded CKKS values against the exact ones (Lattigo's precision stats idea).</summary>
public readonly record struct CkksPrecision(double MaxAbsError, double MeanAbsError, int Count)
{
    /// <summary>−log2 of the worst error: bits of absolute precision actually achieved.</summary>
    public double Bits => MaxAbsError == 0 ? double.PositiveInfinity : -Math.Log2(MaxAbsError);

    public static CkksPrecision Measure(ReadOnlySpan<double> exact, ReadOnlySpan<double> decoded)
    {
        if (exact.Length != decoded.Length)
        {
            throw new ArgumentException("lengths differ", nameof(decoded));
        }

        double max = 0, sum = 0;
        for (int i = 0; i < exact.Length; i++)
        {
            double e = Math.Abs(exact[i] - decoded[i]);
            max = Math.Max(max, e);
            sum += e;
        }

        return new CkksPrecision(max, exact.Length == 0 ? 0 : sum / exact.Length, exact.Length);
    }

    public override string ToString() => $"max |err| {MaxAbsError:E2} ({Bits:F1} bits), mean {MeanAbsError:E2} over {Count}";
}
