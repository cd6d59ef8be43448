namespace FedScore.Secure.Emr.Storage;

/// <summary>The store cannot be used as asked (schema newer than this program, corrupt provenance, unreachable server).</summary>
public sealed class EmrStoreException : Exception
{
    public EmrStoreException(string message) : base(message) { }

    public EmrStoreException(string message, Exception inner) : base(message, inner) { }
}
