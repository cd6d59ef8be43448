using FedScore.Secure.Crypto.Lattice.Ring;

namespace FedScore.Secure.Crypto.Lattice.Rlwe;

/// <summary>
/// A degree-1 RLWE ciphertext (c0, c1) in NTT form, decrypting to c0 + c1·s. <see cref="Scale"/> is the CKKS scale
/// (1 for BFV). A freshly symmetric-encrypted ciphertext remembers the 32-byte seed its c1 was expanded from, so it
/// travels as c0 + seed; any operation that changes c1 drops the seed.
/// </summary>
public sealed class Ciphertext
{
    private byte[]? _seed;

    public Ciphertext(RlweParameters parameters)
    {
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        C0 = new RnsPolynomial(parameters.N, parameters.Moduli.Count, isNtt: true);
        C1 = new RnsPolynomial(parameters.N, parameters.Moduli.Count, isNtt: true);
        Scale = 1;
    }

    public RlweParameters Parameters { get; }

    internal RnsPolynomial C0 { get; }

    internal RnsPolynomial C1 { get; }

    /// <summary>CKKS scale Δ of the encrypted values (1 for BFV).</summary>
    public double Scale { get; set; }

    /// <summary>How many fresh encryptions were summed into this ciphertext (noise bookkeeping).</summary>
    public int Summands { get; internal set; } = 1;

    /// <summary>The seed c1 was expanded from, or null when c1 must be sent in full.</summary>
    public ReadOnlySpan<byte> C1Seed => _seed;

    public bool IsSeeded => _seed is not null;

    internal void SetSeed(byte[]? seed) => _seed = seed;

    public Ciphertext Clone()
    {
        var c = new Ciphertext(Parameters) { Scale = Scale, Summands = Summands };
        c.C0.CopyFrom(C0);
        c.C1.CopyFrom(C1);
        c._seed = (byte[]?)_seed?.Clone();
        return c;
    }

    public override string ToString() => $"Ciphertext({Parameters.Id}, scale=2^{Math.Log2(Scale):0.##}, summands={Summands})";
}

/// <summary>A plaintext polynomial (coefficient form) with its CKKS scale (1 for BFV).</summary>
public sealed class Plaintext
{
    public Plaintext(RlweParameters parameters)
    {
        Parameters = parameters ?? throw new ArgumentNullException(nameof(parameters));
        Poly = new RnsPolynomial(parameters.N, parameters.Moduli.Count);
        Scale = 1;
    }

    public RlweParameters Parameters { get; }

    internal RnsPolynomial Poly { get; }

    public double Scale { get; set; }

    public override string ToString() => $"Plaintext({Parameters.Id})";
}
