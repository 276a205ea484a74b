namespace AppKeys.Operator.Testing.Chaos;

/// <summary>
/// One ApplicationKey of the chaos scenario and what the run does to it, from which its final <c>revision</c> follows
/// exactly: one initial token, one per spec change or renew request, one per regeneration of its Application's
/// consumer secret, and one per clock jump past its renewal time (short-lived keys only).
/// </summary>
public sealed record KeyPlan(ApplicationPlan Application, string Name, string KeyType, long? ValidityPeriod, long? RenewBefore, IReadOnlyList<string> Scopes)
{
    public string Namespace => Application.Namespace;

    /// <summary>Validity short enough that every clock jump crosses its renewal time.</summary>
    public bool ShortLived => ValidityPeriod is { } v && v > 0 && v < 3600;

    public bool NeverExpires => ValidityPeriod is < 0;

    /// <summary>Gets new scopes during the run (a new token).</summary>
    public bool ChangeScopes { get; init; }

    /// <summary>Gets an <c>appkeys.io/renew</c> request during the run (a new token).</summary>
    public bool RequestRenewal { get; init; }

    /// <summary>Gets a new Secret label during the run (relabelled, no new token).</summary>
    public bool ChangeTemplate { get; init; }

    /// <summary>Gets a new <c>renewBefore</c> during the run (re-timed, no new token).</summary>
    public bool ChangeRenewBefore { get; init; }

    /// <summary>Issuances the spec changes of the run call for (before any clock jump).</summary>
    public long RevisionAfterChanges =>
        1 + (ChangeScopes ? 1 : 0) + (RequestRenewal ? 1 : 0) + (Application.Regenerate ? 1 : 0);

    /// <summary>Issuances called for after <paramref name="jumps"/> clock jumps past the renewal time.</summary>
    public long RevisionAfterJumps(int jumps) => RevisionAfterChanges + (ShortLived ? jumps : 0);

    public override string ToString() => $"{Namespace}/{Name}";
}
