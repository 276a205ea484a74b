using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using k8s.Models;

namespace AppKeys.Operator.Tests.TestSupport;

/// <summary>Builders of API objects for table tests.</summary>
internal static class TestObjects
{
    public static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static V1Alpha1Application Application(Action<V1Alpha1ApplicationSpec>? configure = null, string name = "shop")
    {
        var app = new V1Alpha1Application
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "app-uid-1", Generation = 1 },
            Spec = new V1Alpha1ApplicationSpec(),
        };
        configure?.Invoke(app.Spec);
        return app;
    }

    public static V1Alpha1ApplicationKey Key(Action<V1Alpha1ApplicationKeySpec>? configure = null, string name = "shop-prod")
    {
        var key = new V1Alpha1ApplicationKey
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default", Uid = "key-uid-1", Generation = 1 },
            Spec = new V1Alpha1ApplicationKeySpec { ApplicationRef = new V1Alpha1ApplicationReference { Name = "shop" } },
        };
        configure?.Invoke(key.Spec);
        return key;
    }

    public static IssuedToken Token(DateTimeOffset issuedAt, long validity, string value = "token-value-abcdefghijklmnopqrstuvwxyz0123456789") =>
        new(new SecretValue(value), AccessTokenType.Jwt, "jti-1", issuedAt, ValidityPolicy.ExpiresAt(issuedAt, validity), "kid-1");
}
