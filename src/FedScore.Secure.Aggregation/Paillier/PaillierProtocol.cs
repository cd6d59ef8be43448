using FedScore.Secure.FixedPoint;
using FedScore.Secure.Wire;

namespace FedScore.Secure.Aggregation.Paillier;

/// <summary>
/// Stages and shared message pieces of the Paillier scheme.
/// <code>
/// key     (first round only) server → decryptor: header            decryptor → server: header, public key
/// upload  server → each site: header, public key, length, plan    site → server: header, site id, ciphertexts
/// decrypt server → decryptor: header, #contributors, Π ciphertexts decryptor → server: header, plaintexts
/// </code>
/// </summary>
internal static class PaillierProtocol
{
    public const byte KeyStage = 0;
    public const byte UploadStage = 1;
    public const byte DecryptStage = 2;

    public static string StageName(byte stage) => stage switch
    {
        KeyStage => "key",
        UploadStage => "upload",
        DecryptStage => "decrypt",
        _ => $"unknown({stage})",
    };

    private const byte IntegerFlag = 1;
    private const byte AbsoluteErrorFlag = 2;

    /// <summary>The public fixed-point requirements, so that sites derive the same plan as the server.</summary>
    public static void WriteRequirements(WireWriter w, FixedPointRequirements r)
    {
        byte flags = (byte)((r.IntegerInputs ? IntegerFlag : 0) | (r.MaxAbsError is null ? 0 : AbsoluteErrorFlag));
        w.WriteDouble(r.MaxAbsValue).WriteVarUInt((ulong)r.Sites).WriteDouble(r.MaxWeight).WriteByte(flags);
        if (r.MaxAbsError is { } e)
        {
            w.WriteDouble(e);
        }
        else
        {
            w.WriteInt32(r.FractionalBits ?? 0);
        }

        w.WriteVarUInt((ulong)r.MaxModulusBits);
    }

    public static FixedPointRequirements ReadRequirements(ref WireReader r)
    {
        double maxAbsValue = r.ReadDouble("max abs value");
        int sites = r.ReadLength("sites", SessionConfig.MaxSites);
        double maxWeight = r.ReadDouble("max weight");
        byte flags = r.ReadByte("plan flags");
        if ((flags & ~(IntegerFlag | AbsoluteErrorFlag)) != 0)
        {
            throw r.Fail("plan flags", $"has unknown bits 0x{flags:X2}");
        }

        FixedPointRequirements req;
        if ((flags & IntegerFlag) != 0)
        {
            if ((flags & AbsoluteErrorFlag) != 0 || r.ReadInt32("fractional bits") != 0)
            {
                throw r.Fail("plan flags", "an integer plan has resolution 1");
            }

            req = FixedPointRequirements.ForIntegers(maxAbsValue, sites, maxWeight);
        }
        else if ((flags & AbsoluteErrorFlag) != 0)
        {
            req = FixedPointRequirements.ForAbsoluteError(maxAbsValue, sites, r.ReadDouble("max abs error"), maxWeight);
        }
        else
        {
            req = FixedPointRequirements.ForFractionalBits(maxAbsValue, sites, r.ReadInt32("fractional bits"), maxWeight);
        }

        int maxModulusBits = r.ReadLength("max modulus bits", 4096);
        return req with { MaxModulusBits = maxModulusBits };
    }
}
