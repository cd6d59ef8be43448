using FedScore.Secure.FixedPoint;

namespace FedScore.Secure.Aggregation;

/// <summary>
/// One secure sum: its id (unique within the session; participants refuse a repeated id), the vector length, and the
/// bounds the encoding must respect. Each scheme turns the requirements into its own encoding (fixed point in its
/// container, or a CKKS scale) and reports the resulting error bound with the result.
/// </summary>
public sealed record RoundSpec
{
    public const int MaxLength = 1 << 26;

    public RoundSpec(string roundId, int length, FixedPointRequirements requirements)
    {
        if (string.IsNullOrEmpty(roundId) || roundId.Length > 128)
        {
            throw new ArgumentException("round id must be 1 to 128 characters", nameof(roundId));
        }

        if (length < 1 || length > MaxLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"length must be in [1, {MaxLength}], got {length}");
        }

        RoundId = roundId;
        Length = length;
        Requirements = requirements ?? throw new ArgumentNullException(nameof(requirements));
    }

    public string RoundId { get; }

    public int Length { get; }

    public FixedPointRequirements Requirements { get; }
}
