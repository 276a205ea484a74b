using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.ApplicationKeys;
using AppKeys.Operator.Tests.TestSupport;
using k8s.Models;

namespace AppKeys.Operator.Tests.ApplicationKeys;

public class KeySecretBuilderTests
{
    private const string ConsumerSecret = "consumer-secret-0123456789abcdefghijklmnopqrstu";

    internal static V1Secret Build(V1Alpha1ApplicationKey key, IssuedToken token, long revision = 1, string? renewRequest = null, string hash = "sha256:inputs") =>
        KeySecretBuilder.Build(key, EffectiveKeySpec.From(key), new KeySecretContent(
            "CK0123456789012345678901234a",
            new SecretValue(ConsumerSecret),
            token,
            TokenTypes.Jwt,
            hash,
            IssuancePolicy.RequestHash(renewRequest),
            revision));

    private static string Data(V1Secret secret, string key) => Encoding.UTF8.GetString(secret.Data[key]);

    [Fact]
    public void Secret_holds_every_documented_key()
    {
        var key = TestObjects.Key(s => { s.Scopes = ["write", "read", "read"]; s.KeyType = KeyTypes.Sandbox; });
        var secret = Build(key, TestObjects.Token(TestObjects.Now, 3600));

        Assert.Equal(KeySecretData.All.Order(), secret.Data.Keys.Order());
        Assert.Equal("CK0123456789012345678901234a", Data(secret, "consumerKey"));
        Assert.Equal(ConsumerSecret, Data(secret, "consumerSecret"));
        Assert.Equal("token-value-abcdefghijklmnopqrstuvwxyz0123456789", Data(secret, "accessToken"));
        Assert.Equal("2026-03-01T13:00:00Z", Data(secret, "expiresAt"));
        Assert.Equal("read write", Data(secret, "scopes"));
        Assert.Equal("Sandbox", Data(secret, "keyType"));
        Assert.Equal("JWT", Data(secret, "tokenType"));
        Assert.Equal("Opaque", secret.Type);
    }

    [Fact]
    public void Never_expiring_token_has_empty_expiresAt()
    {
        var secret = Build(TestObjects.Key(s => s.ValidityPeriod = -1), TestObjects.Token(TestObjects.Now, -1));
        Assert.Equal("", Data(secret, "expiresAt"));
        Assert.Null(KeySecretRecord.Read(secret).ExpiresAt);
        Assert.True(KeySecretRecord.Read(secret).Intact);
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
        var secret = Build(key, TestObjects.Token(TestObjects.Now, 3600), revision: 7);

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
        var secret = Build(TestObjects.Key(), TestObjects.Token(TestObjects.Now, 3600), renewRequest: "please");
        foreach (var (_, value) in secret.Metadata.Annotations)
        {
            Assert.DoesNotContain(ConsumerSecret, value, StringComparison.Ordinal);
            Assert.DoesNotContain("token-value", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Record_round_trips_and_detects_tampering()
    {
        var secret = Build(TestObjects.Key(s => s.Scopes = ["a"]), TestObjects.Token(TestObjects.Now, 60), revision: 3, renewRequest: "r1");
        var record = KeySecretRecord.Read(secret);
        Assert.True(record.Intact);
        Assert.Equal(3, record.Revision);
        Assert.Equal(TestObjects.Now, record.IssuedAt);
        Assert.Equal(TestObjects.Now.AddSeconds(60), record.ExpiresAt);
        Assert.Equal(["a"], record.Scopes);
        Assert.Equal(IssuancePolicy.RequestHash("r1"), record.ObservedRenewRequest);

        secret.Data["accessToken"] = Encoding.UTF8.GetBytes("forged");
        Assert.False(KeySecretRecord.Read(secret).Intact);
    }

    [Theory]
    [InlineData("remove accessToken")]
    [InlineData("remove data hash")]
    [InlineData("add key")]
    [InlineData("bad expiresAt")]
    [InlineData("remove issued-at")]
    public void Any_damage_makes_the_record_not_intact(string damage)
    {
        var secret = Build(TestObjects.Key(), TestObjects.Token(TestObjects.Now, 60));
        switch (damage)
        {
            case "remove accessToken": secret.Data.Remove("accessToken"); break;
            case "remove data hash": secret.Metadata.Annotations.Remove("appkeys.io/data-hash"); break;
            case "add key": secret.Data["extra"] = [1]; break;
            case "bad expiresAt": secret.Data["expiresAt"] = Encoding.UTF8.GetBytes("tomorrow"); break;
            case "remove issued-at": secret.Metadata.Annotations.Remove("appkeys.io/issued-at"); break;
        }

        Assert.False(KeySecretRecord.Read(secret).Intact);
    }

    [Fact]
    public void WithTemplate_adds_missing_template_metadata_only()
    {
        var key = TestObjects.Key();
        var secret = Build(key, TestObjects.Token(TestObjects.Now, 60));
        Assert.Null(KeySecretBuilder.WithTemplate(secret, EffectiveKeySpec.From(key)));

        key.Spec.SecretTemplate = new V1Alpha1SecretTemplate { Labels = new Dictionary<string, string> { ["tier"] = "gold" } };
        var updated = KeySecretBuilder.WithTemplate(secret, EffectiveKeySpec.From(key));
        Assert.NotNull(updated);
        Assert.Equal("gold", updated.Metadata.Labels["tier"]);
        Assert.True(KeySecretRecord.Read(updated).Intact);
        Assert.False(secret.Metadata.Labels.ContainsKey("tier")); // the input may be the informer's cached object
    }

    [Fact]
    public void A_previous_consumer_secret_is_carried_during_a_grace_period_and_removed_after_without_a_new_token()
    {
        const string Previous = "previous-secret-0123456789abcdefghijklmnopqr";
        var key = TestObjects.Key();
        var token = TestObjects.Token(TestObjects.Now, 60);
        var plain = Build(key, token);
        Assert.DoesNotContain("previousConsumerSecret", plain.Data.Keys);
        Assert.Null(KeySecretBuilder.WithPreviousConsumerSecret(plain, null)); // steady state: no write

        var issuedWithPrevious = KeySecretBuilder.Build(key, EffectiveKeySpec.From(key), new KeySecretContent(
            "CK0123456789012345678901234a", new SecretValue(ConsumerSecret), token, TokenTypes.Jwt, "sha256:inputs", null, 1, new SecretValue(Previous)));
        Assert.Equal(Previous, Data(issuedWithPrevious, "previousConsumerSecret"));
        Assert.True(KeySecretRecord.Read(issuedWithPrevious).Intact);
        Assert.Null(KeySecretBuilder.WithPreviousConsumerSecret(issuedWithPrevious, new SecretValue(Previous)));

        var expired = KeySecretBuilder.WithPreviousConsumerSecret(issuedWithPrevious, null);
        Assert.NotNull(expired);
        Assert.DoesNotContain("previousConsumerSecret", expired.Data.Keys);
        Assert.Equal(Data(issuedWithPrevious, "accessToken"), Data(expired, "accessToken"));
        Assert.Equal(issuedWithPrevious.Metadata.Annotations["appkeys.io/token-id"], expired.Metadata.Annotations["appkeys.io/token-id"]);
        Assert.True(KeySecretRecord.Read(expired).Intact);
        Assert.Equal(plain.Metadata.Annotations["appkeys.io/data-hash"], expired.Metadata.Annotations["appkeys.io/data-hash"]);
        Assert.Contains("previousConsumerSecret", issuedWithPrevious.Data.Keys); // the input may be the informer's cached object

        var added = KeySecretBuilder.WithPreviousConsumerSecret(plain, new SecretValue(Previous));
        Assert.NotNull(added);
        Assert.Equal(Previous, Data(added, "previousConsumerSecret"));
        Assert.True(KeySecretRecord.Read(added).Intact);
    }
}
