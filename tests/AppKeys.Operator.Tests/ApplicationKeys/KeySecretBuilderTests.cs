using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class KeySecretBuilderTests
{
    internal const string ConsumerSecret = "consumer-secret-0123456789abcdefghijklmnopqrstu";
    internal const string AccessToken = "token-value-abcdefghijklmnopqrstuvwxyz0123456789";

    internal static KeyCredentials Credentials(string? previous = null) =>
        new(Guid.Empty.ToString(), new ConsumerCredentials("CK0123456789012345678901234a", new SecretValue(ConsumerSecret)), previous is null ? null : new SecretValue(previous));

    internal static V1Secret Build(V1Alpha1ApplicationKey key, TokenRecord? record = null, V1Secret? existing = null, string? previous = null)
    {
        var spec = EffectiveKeySpec.From(key);
        return KeySecretBuilder.Build(key, spec, new KeySecretContent(Credentials(previous), new SecretValue(AccessToken), record ?? IssuancePolicyTests.Record() with { Scopes = spec.Scopes, KeyType = spec.KeyType }), existing);
    }

    private static string Data(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public void Secret_holds_every_documented_key()
    {
        var key = TestObjects.Key(s => { s.Scopes = ["write", "read", "read"]; s.KeyType = KeyTypes.Sandbox; });
        var secret = Build(key);

        Assert.Equal(KeySecretData.All.Order(), secret.Data.Keys.Order());
        Assert.Equal("CK0123456789012345678901234a", Data(secret, "consumerKey"));
        Assert.Equal(ConsumerSecret, Data(secret, "consumerSecret"));
        Assert.Equal(AccessToken, Data(secret, "accessToken"));
        Assert.Equal("2026-03-01T13:00:00Z", Data(secret, "expiresAt"));
        Assert.Equal("read write", Data(secret, "scopes"));
        Assert.Equal("Sandbox", Data(secret, "keyType"));
        Assert.Equal("JWT", Data(secret, "tokenType"));
        Assert.Equal("Opaque", secret.Type);
    }

    [Fact]
    public void Never_expiring_token_has_empty_expiresAt()
    {
        var secret = Build(TestObjects.Key(s => s.ValidityPeriod = -1), IssuancePolicyTests.Record(-1));
        Assert.Equal("", Data(secret, "expiresAt"));
    }

    [Fact]
    public void Metadata_has_labels_template_and_controller_owner()
    {
        var key = TestObjects.Key(s =>
        {
            s.SecretName = "orders-token";
            s.SecretTemplate = new V1Alpha1SecretTemplate
            {
                Labels = new Dictionary<string, string> { ["team"] = "orders" },
                Annotations = new Dictionary<string, string> { ["reloader.stakater.com/match"] = "true" },
            };
        });
        var secret = Build(key, IssuancePolicyTests.Record(revision: 7));

        Assert.Equal("orders-token", secret.Metadata.Name);
        Assert.Equal("default", secret.Metadata.NamespaceProperty);
        Assert.Equal("appkeys-operator", secret.Metadata.Labels["app.kubernetes.io/managed-by"]);
        Assert.Equal("shop", secret.Metadata.Labels["appkeys.io/application"]);
        Assert.Equal("shop-prod", secret.Metadata.Labels["appkeys.io/key"]);
        Assert.Equal("orders", secret.Metadata.Labels["team"]);
        Assert.Equal("true", secret.Metadata.Annotations["reloader.stakater.com/match"]);
        Assert.Equal("7", secret.Metadata.Annotations["appkeys.io/revision"]);
        Assert.Equal("jti-1", secret.Metadata.Annotations["appkeys.io/token-id"]);
        Assert.Equal("2026-03-01T12:00:00Z", secret.Metadata.Annotations["appkeys.io/issued-at"]);
        var owner = Assert.Single(secret.Metadata.OwnerReferences);
        Assert.True(owner.Controller);
        Assert.Equal(("ApplicationKey", "shop-prod", "key-uid-1", "appkeys.io/v1alpha1"), (owner.Kind, owner.Name, owner.Uid, owner.ApiVersion));
    }

    [Fact]
    public void Annotations_never_hold_secret_material()
    {
        var secret = Build(TestObjects.Key(), IssuancePolicyTests.Record(renewRequest: "please"));
        foreach (var (_, value) in secret.Metadata.Annotations)
        {
            Assert.DoesNotContain(ConsumerSecret, value, StringComparison.Ordinal);
            Assert.DoesNotContain("token-value", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Rebuilding_from_the_record_is_up_to_date_and_repairs_any_drift()
    {
        var key = TestObjects.Key();
        var written = Build(key);
        written.Metadata.Labels["team"] = "added-by-someone";
        Assert.True(ManagedSecrets.UpToDate(written, Build(key, existing: written)));

        var tampered = Runtime.KubernetesObjects.Clone(written);
        tampered.Metadata.Annotations["appkeys.io/token-id"] = "FAKE";
        tampered.Metadata.Annotations["appkeys.io/revision"] = "999";
        tampered.Metadata.Annotations["appkeys.io/bogus"] = "x";
        tampered.Data["scopes"] = Encoding.UTF8.GetBytes("admin");
        var repaired = Build(key, existing: tampered);
        Assert.False(ManagedSecrets.UpToDate(tampered, repaired));
        Assert.Equal("jti-1", repaired.Metadata.Annotations["appkeys.io/token-id"]);
        Assert.Equal("1", repaired.Metadata.Annotations["appkeys.io/revision"]);
        Assert.DoesNotContain("appkeys.io/bogus", repaired.Metadata.Annotations.Keys);
        Assert.Equal("", Data(repaired, "scopes"));
        Assert.Equal("added-by-someone", repaired.Metadata.Labels["team"]); // others' labels are kept
        Assert.Equal("FAKE", tampered.Metadata.Annotations["appkeys.io/token-id"]); // the input may be the informer's cached object
    }

    [Fact]
    public void An_owner_reference_taken_away_is_not_up_to_date()
    {
        var key = TestObjects.Key();
        var written = Build(key);
        var orphaned = Runtime.KubernetesObjects.Clone(written);
        orphaned.Metadata.OwnerReferences = [];
        Assert.False(ManagedSecrets.UpToDate(orphaned, Build(key, existing: orphaned)));
    }

    [Fact]
    public void A_previous_consumer_secret_is_carried_during_a_grace_period_and_removed_after()
    {
        const string Previous = "previous-secret-0123456789abcdefghijklmnopqr";
        var key = TestObjects.Key();
        var plain = Build(key);
        Assert.DoesNotContain("previousConsumerSecret", plain.Data.Keys);

        var withPrevious = Build(key, existing: plain, previous: Previous);
        Assert.Equal(Previous, Data(withPrevious, "previousConsumerSecret"));
        Assert.False(ManagedSecrets.UpToDate(plain, withPrevious));
        Assert.Equal(Data(plain, "accessToken"), Data(withPrevious, "accessToken"));

        var expired = Build(key, existing: withPrevious);
        Assert.DoesNotContain("previousConsumerSecret", expired.Data.Keys);
        Assert.Equal(plain.Metadata.Annotations["appkeys.io/data-hash"], expired.Metadata.Annotations["appkeys.io/data-hash"]);
    }

    [Fact]
    public void The_token_identity_comes_from_the_token_itself()
    {
        const string Jwt = "eyJhbGciOiJub25lIn0.eyJqdGkiOiJhYmMtMTIzIn0.c2ln"; // {"jti":"abc-123"}
        var secret = new V1Secret { Data = new Dictionary<string, byte[]> { ["accessToken"] = Encoding.UTF8.GetBytes(Jwt) } };
        Assert.Equal("abc-123", TokenIdentity.Of(TokenIdentity.AccessToken(secret)!, TokenTypes.Jwt));
        Assert.Null(TokenIdentity.Of(new SecretValue("not-a-jwt"), TokenTypes.Jwt));
        Assert.Equal(TokenFingerprint.Compute("opaque-value"), TokenIdentity.Of(new SecretValue("opaque-value"), TokenTypes.Opaque));
        Assert.True(TokenIdentity.Holds(secret, IssuancePolicyTests.Record() with { TokenId = "abc-123" }));
        Assert.False(TokenIdentity.Holds(secret, IssuancePolicyTests.Record() with { TokenId = "FAKE" }));
        Assert.False(TokenIdentity.Holds(new V1Secret(), IssuancePolicyTests.Record()));
    }
}
