namespace AppKeys.LocalApiServer.Authentication;

/// <summary>
/// What a token authenticates as (kube <c>authenticator.Response</c> plus the error a TokenReview reports):
/// <see cref="User"/> null when not authenticated; <see cref="Audiences"/> the audiences it is valid for among
/// those requested; <see cref="Error"/> why a recognised token was rejected (null for an unknown token).
/// </summary>
public sealed record TokenReviewResult(UserInfo? User, IReadOnlyList<string> Audiences, string? Error);
