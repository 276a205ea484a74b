namespace AppKeys.Operator.Signing;

/// <summary>A live token the operator holds (in an ApplicationKey's Secret): the key that signed it and its expiry.</summary>
/// <param name="KeyId">The JWT header's <c>kid</c>.</param>
/// <param name="ExpiresAt">Its <c>exp</c>; null when it never expires.</param>
public readonly record struct SignedToken(string KeyId, DateTimeOffset? ExpiresAt);
