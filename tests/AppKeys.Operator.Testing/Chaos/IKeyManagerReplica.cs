namespace AppKeys.Operator.Testing.Chaos;

/// <summary>One operator replica as a client of its key manager sees it: in process (JIT chaos) or a separate process (native chaos).</summary>
public interface IKeyManagerReplica
{
    /// <summary>Its lease identity (the pod name).</summary>
    string Identity { get; }

    /// <summary>The key manager's HTTPS base URL on this replica.</summary>
    string OAuthBase { get; }

    /// <summary>False once it was killed or stopped on its own: then a missing or wrong answer is no fault of the key manager.</summary>
    bool IsAnswering { get; }
}
