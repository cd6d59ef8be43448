namespace FedScore.Secure.FixedPoint;

/// <summary>A fixed-point plan is impossible or its inputs are invalid; <see cref="Input"/> names what to change.</summary>
public sealed class FixedPointPlanException : ArgumentException
{
    public FixedPointPlanException(string input, string message) : base(message, input)
    {
        Input = input;
    }

    /// <summary>The requirement to change (e.g. "MaxAbsValue", "MaxAbsError", "Sites", "MaxWeight").</summary>
    public string Input { get; }
}
