using FedScore.Secure.Crypto.Lattice.Ckks;
using FedScore.Secure.Crypto.Lattice.Multiparty;
using FedScore.Secure.Crypto.Lattice.Ring;
using FedScore.Secure.Crypto.Lattice.Rlwe;
using FedScore.Secure.Crypto.Lattice.Serialization;

namespace FedScore.Secure.Crypto.Lattice.Tests.Multiparty;

/// <summary>
/// Uploads encrypted under each party's own additive key share with a common seeded c1 (half-size ciphertexts), summed
/// c0-only and decrypted by a threshold subset under the contributors' key s_U.
/// </summary>
public sealed class SharedSeedAggregationTests
{
    private static readonly CkksParameters P = TestParameters.Ckks1024;

    private sealed class Party : IDisposable
    {
        public Party(CkksParameters p) => Key = AdditiveKeyShare.FromSecretKey(new KeyGenerator(p).CreateSecretKey());

        public AdditiveKeyShare Key { get; }

        public DealerShareSet? Shares { get; set; }

        public void Dispose()
        {
            Key.Dispose();
            Shares?.Dispose();
        }
    }

    /// <summary>n parties, t-of-n: every party deals Shamir shares of its s_i; each keeps what it received per dealer.</summary>
    private static Party[] Deal(int n, int t)
    {
        var parties = Enumerable.Range(0, n).Select(_ => new Party(P)).ToArray();
        var sharing = new ShamirKeySharing(P, t, n);
        var dealt = parties.Select((party, i) => sharing.Split(party.Key, i + 1)).ToArray();
        for (int j = 0; j < n; j++)
        {
            parties[j].Shares = new DealerShareSet(P, t, n, j + 1, dealt.Select(d => d[j]));
        }

        return parties;
    }

    private static double[] Values(int seed) =>
        Enumerable.Range(0, P.N).Select(k => Math.Sin(k + seed) * 3).ToArray();

    [Fact]
    public void SumOfContributorsDecryptsUnderTheirKeyWithAnyThresholdSubsetEvenWhenAContributorIsGone()
    {
        const int n = 5, t = 3;
        Party[] parties = Deal(n, t);
        try
        {
            byte[] seed = Prng.NewSeed();
            var encoder = new CkksCoefficientEncoder(P);
            int[] contributors = [1, 2, 4, 5];          // party 3 never uploaded
            Ciphertext? sum = null;
            var evaluator = new Evaluator(P);
            var expected = new double[P.N];
            foreach (int i in contributors)
            {
                double[] x = Values(i);
                Ciphertext ct = new Encryptor(P, parties[i - 1].Key.Secret).EncryptWithSharedSeed(encoder.Encode(x), seed);
                Assert.True(ct.IsSeeded);
                // Half a ciphertext on the wire: c0 plus the 32-byte seed.
                Assert.True(LatticeSerializer.Write(ct).Length < LatticeSerializer.PolynomialSize(P) + 100);
                if (sum is null)
                {
                    sum = ct;
                }
                else
                {
                    evaluator.AddSharedC1InPlace(sum, ct);
                }

                for (int k = 0; k < P.N; k++)
                {
                    expected[k] += x[k];
                }
            }

            // Decryptors {1, 3, 5}: party 3 did not contribute and contributor 4 is not asked, yet s_U is recovered.
            int[] active = [1, 3, 5];
            var dec = new CollectiveDecryptionProtocol(P, 30);
            DecryptionShare agg = dec.AggregateShares(active.Select(j =>
            {
                using ThresholdKeyShare k = parties[j - 1].Shares!.ForDealers(contributors);
                return dec.GenerateShare(k, active, sum!);
            }));
            double[] y = encoder.Decode(dec.Finalize(sum!, agg));
            double bound = (3 * Math.ScaleB(1, 30) + 100) / P.Scale + 1e-9;
            for (int k = 0; k < P.N; k++)
            {
                Assert.True(Math.Abs(y[k] - expected[k]) < bound, $"coefficient {k}: {y[k]} vs {expected[k]}");
            }

            // Decrypting under the key of ALL dealers (the wrong U) gives garbage: the key really is s_U.
            // (A fresh upload under a new seed: shares are single-use per c1, so the old sum cannot be asked again.)
            var dec2 = new CollectiveDecryptionProtocol(P, 30);
            byte[] seed2 = Prng.NewSeed();
            Ciphertext sum2 = new Encryptor(P, parties[0].Key.Secret).EncryptWithSharedSeed(encoder.Encode(Values(1)), seed2);
            foreach (int i in contributors.Skip(1))
            {
                evaluator.AddSharedC1InPlace(sum2, new Encryptor(P, parties[i - 1].Key.Secret).EncryptWithSharedSeed(encoder.Encode(Values(i)), seed2));
            }

            DecryptionShare wrong = dec2.AggregateShares(new[] { 2, 3, 4 }.Select(j =>
            {
                using ThresholdKeyShare k = parties[j - 1].Shares!.ForDealers([1, 2, 3, 4, 5]);
                return dec2.GenerateShare(k, [2, 3, 4], sum2);
            }));
            double[] z = encoder.Decode(dec2.Finalize(sum2, wrong));
            Assert.True(z.Select((v, k) => Math.Abs(v - expected[k])).Max() > 1);
        }
        finally
        {
            foreach (Party p in parties)
            {
                p.Dispose();
            }
        }
    }

    [Fact]
    public void OneDecryptionSharePerCiphertextWhateverSubsetIsNamed()
    {
        Party[] parties = Deal(3, 2);
        try
        {
            var ct = new Encryptor(P, parties[0].Key.Secret).EncryptWithSharedSeed(new CkksCoefficientEncoder(P).Encode([1.0]), Prng.NewSeed());
            var dec = new CollectiveDecryptionProtocol(P, 30);
            using (ThresholdKeyShare k = parties[1].Shares!.ForDealers([1, 2]))
            {
                dec.GenerateShare(k, [1, 2], ct);
            }

            // A second request for the same c1 under another subset U would let the requester difference the shares.
            using ThresholdKeyShare k2 = parties[1].Shares!.ForDealers([1]);
            Assert.Throws<ProtocolViolationException>(() => dec.GenerateShare(k2, [1, 2], ct));
            Assert.Throws<ArgumentException>(() => parties[1].Shares!.ForDealers([1, 1]));
            Assert.Throws<ArgumentException>(() => parties[1].Shares!.ForDealers([4]));
        }
        finally
        {
            foreach (Party p in parties)
            {
                p.Dispose();
            }
        }
    }

    [Fact]
    public void SharedC1AdditionRefusesCiphertextsWithDifferentOrNoSeeds()
    {
        using SecretKey sk = new KeyGenerator(P).CreateSecretKey();
        var enc = new Encryptor(P, sk);
        Plaintext pt = new CkksCoefficientEncoder(P).Encode([1.0]);
        Ciphertext a = enc.EncryptWithSharedSeed(pt, Prng.NewSeed());
        Ciphertext b = enc.EncryptWithSharedSeed(pt, Prng.NewSeed());
        var evaluator = new Evaluator(P);
        Assert.Throws<ArgumentException>(() => evaluator.AddSharedC1InPlace(a, b));
        Ciphertext c = new Encryptor(P, new KeyGenerator(P).CreatePublicKey(sk)).Encrypt(pt);
        Assert.Throws<ArgumentException>(() => evaluator.AddSharedC1InPlace(a, c));
        Assert.Throws<InvalidOperationException>(() => new Encryptor(P, new KeyGenerator(P).CreatePublicKey(sk)).EncryptWithSharedSeed(pt, Prng.NewSeed()));
        Assert.Throws<ArgumentException>(() => enc.EncryptWithSharedSeed(pt, new byte[16]));
    }

    [Fact]
    public void ReadingWithASameSeedTemplateGivesTheSameCiphertextAsExpandingTheSeed()
    {
        using SecretKey sk = new KeyGenerator(P).CreateSecretKey();
        var enc = new Encryptor(P, sk);
        Plaintext pt = new CkksCoefficientEncoder(P).Encode([1.0, -2.0]);
        byte[] seed = Prng.NewSeed();
        Ciphertext template = enc.EncryptWithSharedSeed(pt, seed);
        byte[] wire = LatticeSerializer.Write(enc.EncryptWithSharedSeed(pt, seed));
        Ciphertext other = enc.EncryptWithSharedSeed(pt, Prng.NewSeed());
        foreach (Ciphertext? t in new[] { null, template, other })
        {
            var r = new FedScore.Secure.Wire.WireReader(wire, "test");
            Ciphertext read = LatticeSerializer.ReadCiphertext(ref r, P, t);
            Assert.True(read.IsSeeded && read.C1Seed.SequenceEqual(seed));
            Assert.True(read.C1.ContentEquals(template.C1));
            Assert.Equal(wire, LatticeSerializer.Write(read));
        }
    }

    [Fact]
    public void SharedSeedPlanningNeedsNoMoreModulusThanPublicKeyPlanning()
    {
        var req = FedScore.Secure.FixedPoint.FixedPointRequirements.ForAbsoluteError(1, 10, 1e-6, 1);
        CkksAggregationPlan pk = AggregationPlanner.PlanCkks(100_000, req);
        CkksAggregationPlan shared = AggregationPlanner.PlanCkks(100_000, req, sharedSeedUploads: true);
        Assert.True(shared.Parameters.Log2Q <= pk.Parameters.Log2Q);
        Assert.True(shared.SmudgingBits < pk.SmudgingBits);
        Assert.True(shared.NoiseBound < pk.NoiseBound);
    }
}
