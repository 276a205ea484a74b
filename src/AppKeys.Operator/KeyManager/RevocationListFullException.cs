namespace AppKeys.Operator.KeyManager;

/// <summary>The revocation list cannot take another entry (it would not fit in a Secret).</summary>
public sealed class RevocationListFullException : Exception
{
    public RevocationListFullException()
    {
    }

    public RevocationListFullException(int count)
        : base($"The revocation list is full ({count} entries)")
    {
    }

    public RevocationListFullException(string message)
        : base(message)
    {
    }

    public RevocationListFullException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
