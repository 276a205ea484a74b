using System.Text;
using AppKeys.Credentials;
using AppKeys.Operator.Signing;
using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace AppKeys.Operator.Tests.Signing;

public class SigningKeySecretTests
{
    private static readonly FakeTimeProvider Time = new(SigningKeyPlannerTests.Now);

    [Fact]
    public void Round_trips_states_and_keys()
    {
        using var a = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, Time);
        using var b = SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, Time);
        var now = SigningKeyPlannerTests.Now;
        var set = new SigningKeySet(
            [
                new SigningKeyEntry(a.KeyId, a.Algorithm, SigningKeyState.Retired, now.AddDays(-40).AddTicks(3), now.AddDays(-40), now.AddDays(-10), now.AddDays(2), true),
                new SigningKeyEntry(b.KeyId, b.Algorithm, SigningKeyState.Current, now.AddDays(-10), now.AddDays(-10)),
                new SigningKeyEntry("revoked-kid", SigningKeyAlgorithm.ES256, SigningKeyState.Revoked, now.AddDays(-3), RetiredAt: now, KeepUntil: now.AddDays(30)),
            ],
            "sha256:r",
            "sha256:v",
            true);
        var secret = SigningKeySecret.New("ns", SigningKeySecret.Data(set, new Dictionary<string, SigningKeyMaterial> { [a.KeyId] = a, [b.KeyId] = b }));

        var read = SigningKeySecret.Read(secret, SigningKeyAlgorithm.ES256, now);
        Assert.NotNull(read);
        Assert.True(read.Complete);
        Assert.True(set.Equivalent(read.Set));
        Assert.Equal(a.KeyId, read.Materials[a.KeyId].KeyId);
        Assert.Equal(b.KeyId, read.Materials[b.KeyId].KeyId);
        Assert.DoesNotContain("PRIVATE", Encoding.UTF8.GetString(secret.Data[SigningKeySecret.StateKey]), StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_current_key_means_lost()
    {
        using var a = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, Time);
        var set = new SigningKeySet([new SigningKeyEntry(a.KeyId, a.Algorithm, SigningKeyState.Current, SigningKeyPlannerTests.Now)]);
        var data = SigningKeySecret.Data(set, new Dictionary<string, SigningKeyMaterial> { [a.KeyId] = a });
        data.Remove(a.KeyId + SigningKeySecret.PemSuffix);
        Assert.Null(SigningKeySecret.Read(SigningKeySecret.New("ns", data), SigningKeyAlgorithm.ES256, SigningKeyPlannerTests.Now));
    }

    [Fact]
    public void A_swapped_pem_is_not_trusted()
    {
        using var a = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, Time);
        using var b = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, Time);
        var set = new SigningKeySet(
        [
            new SigningKeyEntry(a.KeyId, a.Algorithm, SigningKeyState.Current, SigningKeyPlannerTests.Now),
            new SigningKeyEntry(b.KeyId, b.Algorithm, SigningKeyState.Next, SigningKeyPlannerTests.Now),
        ]);
        var data = SigningKeySecret.Data(set, new Dictionary<string, SigningKeyMaterial> { [a.KeyId] = a, [b.KeyId] = b });
        data[b.KeyId + SigningKeySecret.PemSuffix] = data[a.KeyId + SigningKeySecret.PemSuffix];
        var read = SigningKeySecret.Read(SigningKeySecret.New("ns", data), SigningKeyAlgorithm.ES256, SigningKeyPlannerTests.Now);
        Assert.NotNull(read);
        Assert.False(read.Complete);
        Assert.Null(read.Set.Find(b.KeyId));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{\"version\":2,\"keys\":[]}")]
    [InlineData("{\"version\":1,\"keys\":[{\"kid\":\"a\",\"alg\":\"HS256\",\"state\":\"Current\",\"createdAt\":\"2026-01-01T00:00:00Z\"}]}")]
    [InlineData("{\"version\":1,\"keys\":[{\"kid\":\"a\",\"alg\":\"ES256\",\"state\":\"Current\"}]}")]
    public void Unreadable_state_is_lost_not_an_exception(string json) =>
        Assert.Null(SigningKeySecret.Read(SigningKeySecret.New("ns", new() { [SigningKeySecret.StateKey] = Encoding.UTF8.GetBytes(json) }), SigningKeyAlgorithm.ES256, SigningKeyPlannerTests.Now));

    [Fact]
    public void Reads_the_first_release_format()
    {
        using var es = SigningKeyMaterial.Generate(SigningKeyAlgorithm.ES256, Time);
        using var rs = SigningKeyMaterial.Generate(SigningKeyAlgorithm.RS256, Time);
        var created = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var secret = new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = SigningKeySecret.SecretName, CreationTimestamp = created },
            Data = new Dictionary<string, byte[]>
            {
                ["es256.pem"] = Encoding.UTF8.GetBytes(es.ExportPrivateKeyPem().Reveal()),
                ["rs256.pem"] = Encoding.UTF8.GetBytes(rs.ExportPrivateKeyPem().Reveal()),
            },
        };

        var read = SigningKeySecret.Read(secret, SigningKeyAlgorithm.RS256, SigningKeyPlannerTests.Now)!;
        Assert.Equal(rs.KeyId, read.Set.Current!.KeyId);
        Assert.Equal(SigningKeyState.Retired, read.Set.Find(es.KeyId)!.State);
        Assert.Equal(new DateTimeOffset(created), read.Set.Current.ActivatedAt);
    }
}
