namespace FedScore.Secure.Wire;

/// <summary>
/// The header every protocol message starts with: format version, scheme, round and stage. Binding round and stage
/// into each message means a message replayed into another round or stage is refused rather than misread.
/// </summary>
public readonly record struct MessageHeader(string Scheme, string RoundId, byte Stage)
{
    /// <summary>Wire format version; bump on any incompatible change.</summary>
    public const byte CurrentVersion = 1;

    private const byte Magic = 0xF5;

    public void WriteTo(WireWriter writer)
    {
        writer.WriteByte(Magic).WriteByte(CurrentVersion).WriteString(Scheme).WriteString(RoundId).WriteByte(Stage);
    }

    /// <summary>Reads a header and checks it is for <paramref name="scheme"/>.</summary>
    public static MessageHeader Read(ref WireReader reader, string scheme)
    {
        byte magic = reader.ReadByte("magic");
        if (magic != Magic)
        {
            throw reader.Fail("magic", $"is 0x{magic:X2}, not a FedScore.Secure message");
        }

        byte version = reader.ReadByte("version");
        if (version != CurrentVersion)
        {
            throw reader.Fail("version", $"is {version}; this build reads version {CurrentVersion}");
        }

        string s = reader.ReadString("scheme", 32);
        if (s != scheme)
        {
            throw reader.Fail("scheme", $"is '{s}', expected '{scheme}'");
        }

        string round = reader.ReadString("round", 128);
        byte stage = reader.ReadByte("stage");
        return new MessageHeader(s, round, stage);
    }
}
