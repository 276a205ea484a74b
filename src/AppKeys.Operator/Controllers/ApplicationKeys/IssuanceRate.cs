namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// Bounded issuance: whatever the spec, the Secret or a request say, a key gets at most one token per
/// <see cref="Automatic"/> of the operator's own accord (renewal) and at most one per <see cref="Requested"/> for
/// anything a user did (a renew request, a spec change, a deleted or edited Secret, a regenerated consumer secret).
/// Together with the schema's minimums this makes a renewal storm impossible.
/// </summary>
public static class IssuanceRate
{
    public static readonly TimeSpan Automatic = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan Requested = TimeSpan.FromSeconds(5);

    /// <summary>The earliest time a token may be issued for <paramref name="reason"/> after one issued at <paramref name="lastIssuedAt"/>.</summary>
    public static DateTimeOffset? Earliest(DateTimeOffset? lastIssuedAt, string reason) =>
        lastIssuedAt is { } last ? last + (reason == IssuanceReasons.Expiring ? Automatic : Requested) : null;
}
