namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// A token the reconcile must revoke (<c>appkeys.io/revoke</c>) before it writes anything: the recorded token's id
/// (JWT <c>jti</c> or opaque fingerprint, as in status) and expiry (null: never expires).
/// </summary>
public sealed record TokenRevocation(string TokenId, DateTimeOffset? ExpiresAt, long Revision);
