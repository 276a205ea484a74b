namespace AppKeys.Runtime.LeaderElection;

/// <summary>
/// A write refused by the <see cref="LeadershipFence"/> after leadership was lost. An
/// <see cref="OperationCanceledException"/>: the reconcile that attempted it is being cancelled anyway.
/// </summary>
public sealed class LeadershipLostException : OperationCanceledException
{
    /// <summary>Creates the exception.</summary>
    public LeadershipLostException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public LeadershipLostException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and inner exception.</summary>
    public LeadershipLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
