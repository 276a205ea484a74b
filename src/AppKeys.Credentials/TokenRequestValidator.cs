namespace AppKeys.Credentials;

/// <summary>Checks of <see cref="TokenRequest"/> shared by the issuers; messages name fields, never values of secrets.</summary>
internal static class TokenRequestValidator
{
    public static void ValidateCommon(TokenRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.ValidityPeriodSeconds == 0)
        {
            throw new ArgumentException("ValidityPeriodSeconds must not be 0 (negative means never expires).", nameof(request));
        }

        if (string.IsNullOrWhiteSpace(request.ConsumerKey))
        {
            throw new ArgumentException("ConsumerKey is required.", nameof(request));
        }
    }

    public static void ValidateForJwt(TokenRequest request)
    {
        ValidateCommon(request);
        if (string.IsNullOrWhiteSpace(request.Issuer))
        {
            throw new ArgumentException("Issuer is required for JWT access tokens.", nameof(request));
        }

        if (request.SigningKey is null)
        {
            throw new ArgumentException("SigningKey is required for JWT access tokens.", nameof(request));
        }

        if (request.Application is null)
        {
            throw new ArgumentException("Application is required for JWT access tokens.", nameof(request));
        }

        if (request.ApplicationKeyUid is { } keyUid && string.IsNullOrWhiteSpace(keyUid))
        {
            throw new ArgumentException("ApplicationKeyUid must be null or not empty.", nameof(request));
        }

        foreach (var audience in request.Audiences ?? throw new ArgumentException("Audiences must not be null.", nameof(request)))
        {
            if (string.IsNullOrWhiteSpace(audience))
            {
                throw new ArgumentException("Audiences must not contain empty values.", nameof(request));
            }
        }

        foreach (var scope in request.Scopes ?? throw new ArgumentException("Scopes must not be null.", nameof(request)))
        {
            // RFC 6749 §3.3: scope tokens are non-empty and contain no spaces (the claim is space separated).
            if (string.IsNullOrEmpty(scope) || scope.AsSpan().IndexOfAny(' ', '\t', '\n') >= 0 || scope.Contains('\r', StringComparison.Ordinal))
            {
                throw new ArgumentException("Scopes must be non-empty and contain no whitespace.", nameof(request));
            }
        }
    }
}
