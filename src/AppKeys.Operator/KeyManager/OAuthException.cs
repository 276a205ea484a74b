namespace AppKeys.Operator.KeyManager;

/// <summary>An RFC 6749 §5.2 error response (the description never contains a secret or token).</summary>
public sealed class OAuthException : Exception
{
    public OAuthException()
    {
    }

    public OAuthException(string message)
        : base(message)
    {
    }

    public OAuthException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public OAuthException(int statusCode, string error, string description, bool basicChallenge = false)
        : base(description)
    {
        StatusCode = statusCode;
        Error = error;
        BasicChallenge = basicChallenge;
    }

    public int StatusCode { get; } = 400;

    public string Error { get; } = "invalid_request";

    /// <summary>Answer with <c>WWW-Authenticate: Basic</c> (RFC 6749 §5.2 for invalid_client).</summary>
    public bool BasicChallenge { get; }

    /// <summary>Seconds for <c>Retry-After</c> (429, 503), or null.</summary>
    public int? RetryAfterSeconds { get; init; }

    public static OAuthException InvalidRequest(string description) => new(400, "invalid_request", description);

    public static OAuthException InvalidClient(string description) => new(401, "invalid_client", description, basicChallenge: true);
}
