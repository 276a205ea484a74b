using System.Security.Cryptography;
using System.Text;
using AppKeys.Credentials;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace AppKeys.Operator.Tests.TestSupport;

/// <summary>
/// The leak scan must be able to fail: values planted in synthetic log lines, exceptions, Events, statuses and metrics
/// texts are reported (by fingerprint and place, never by value), and clean texts report nothing.
/// </summary>
public sealed class SecretValueCollectorTests
{
    private static readonly Action<ILogger, string, Exception?> Issued = LoggerMessage.Define<string>(LogLevel.Information, new EventId(1), "Issued {Token}");

    private readonly string secret = ConsumerCredentialGenerator.GenerateConsumerSecret().Reveal();
    private readonly string token = OpaqueTokenGenerator.Generate().Reveal();

    [Fact]
    public void Clean_texts_report_nothing()
    {
        var collector = Collector();
        var texts = new[]
        {
            ("a log", $"Issued token {TokenFingerprint.Compute(token)} for key k"),
            ("an Event", KubernetesJson.Serialize(new Corev1Event { Message = "Issued revision 2", Reason = "Issued" })),
            ("a near miss", secret[..^1] + "." + token[1..]),
        };

        Assert.Empty(collector.FindIn(texts));
    }

    [Fact]
    public void A_value_logged_through_the_capturing_provider_is_found_in_the_message_and_in_the_exception()
    {
        using var provider = new CapturingLoggerProvider();
        var logger = provider.CreateLogger("planted");
        Issued(logger, token, null);
        var failure = new InvalidOperationException("outer", new FormatException($"bad secret {secret}"));
        logger.LogError(failure, "Failed to issue");
        Assert.Contains(provider.Lines, l => l.Contains("FormatException", StringComparison.Ordinal));

        var found = Collector().FindIn(provider.Lines.Select(l => ("the log", l)));

        Assert.Equal(
            new[]
            {
                $"a secret value ({TokenFingerprint.Compute(token)}) appears as is in the log",
                $"a secret value ({TokenFingerprint.Compute(secret)}) appears as is in the log",
            }.Order(StringComparer.Ordinal),
            found.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Values_in_an_event_a_status_and_metric_labels_are_found_where_they_are()
    {
        var ev = new Corev1Event { Metadata = new V1ObjectMeta { Name = "e" }, Message = $"token {token} issued" };
        var status = $"{{\"status\":{{\"conditions\":[{{\"message\":\"{secret}\"}}]}}}}";
        var metrics = $"# TYPE appkeys_token_issuances_total counter\nappkeys_token_issuances_total{{key=\"{token}\"}} 1\n";

        var found = Collector().FindIn([("an Event", KubernetesJson.Serialize(ev)), ("a status", status), ("/metrics", metrics), ("clean", "nothing here")]);

        Assert.Equal(
            new[]
            {
                $"a secret value ({TokenFingerprint.Compute(token)}) appears as is in an Event",
                $"a secret value ({TokenFingerprint.Compute(token)}) appears as is in /metrics",
                $"a secret value ({TokenFingerprint.Compute(secret)}) appears as is in a status",
            }.Order(StringComparer.Ordinal),
            found.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void A_value_inside_a_serialized_secret_is_found_base64_encoded_at_every_alignment(int offset)
    {
        // A serialized Secret (or any base64 blob) carrying the value after offset other bytes.
        var bytes = RandomNumberGenerator.GetBytes(offset).Concat(Encoding.UTF8.GetBytes(secret)).Concat(RandomNumberGenerator.GetBytes(5)).ToArray();
        var serialized = KubernetesJson.Serialize(new V1Secret { Metadata = new V1ObjectMeta { Name = "leaked" }, Data = new Dictionary<string, byte[]> { ["blob"] = bytes } });
        Assert.DoesNotContain(secret, serialized, StringComparison.Ordinal);

        var found = Collector().FindIn([("a dump", serialized), ("a url", Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_'))]);

        Assert.Contains($"a secret value ({TokenFingerprint.Compute(secret)}) appears base64 (offset {offset}) in a dump", found);
        Assert.Contains(found, l => l.StartsWith($"a secret value ({TokenFingerprint.Compute(secret)}) appears base64", StringComparison.Ordinal) && l.EndsWith(" in a url", StringComparison.Ordinal));
    }

    [Fact]
    public void Each_line_of_a_pem_key_is_a_value_of_its_own()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var pem = key.ExportPkcs8PrivateKeyPem();
        var line = pem.Split('\n')[1];
        var collector = new SecretValueCollector();
        collector.Add(new V1Secret { Data = new Dictionary<string, byte[]> { ["es256.pem"] = Encoding.UTF8.GetBytes(pem), ["consumerKey"] = "public"u8.ToArray() } });

        Assert.Equal([$"a secret value ({TokenFingerprint.Compute(line)}) appears as is in a log"], collector.FindIn([("a log", $"key material: {line}")]));
        Assert.DoesNotContain("public", collector.Values);
    }

    [Fact]
    public void A_line_of_a_private_key_that_holds_only_its_public_key_is_not_a_secret()
    {
        // The last line of a P-256 PKCS#8 key encodes 42 bytes of its public point, which the key's certificate and
        // the JWKS publish; the first line holds private bytes.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var lines = key.ExportPkcs8PrivateKeyPem().Split('\n');
        var (first, last) = (lines[1], lines[^2]);
        Assert.Contains(last, Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()[^63..]), StringComparison.Ordinal);
        var collector = new SecretValueCollector();
        collector.Add(key.ExportPkcs8PrivateKeyPem());

        var found = collector.FindIn([("a certificate", $"...{last}..."), ("a log", $"...{first}...")]);

        Assert.Equal([$"a secret value ({TokenFingerprint.Compute(first)}) appears as is in a log"], found);
    }

    [Fact]
    public void A_sealing_key_of_opaque_tokens_is_found_base64_and_hex_encoded()
    {
        var key = RandomNumberGenerator.GetBytes(32);
        var collector = new SecretValueCollector();
        collector.Add(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = Operator.KeyManager.TokenKeyStore.SecretName },
            Data = new Dictionary<string, byte[]> { ["k-1765000000"] = key },
        });
        var serialized = KubernetesJson.Serialize(new V1Secret { Metadata = new V1ObjectMeta { Name = "dumped" }, Data = new Dictionary<string, byte[]> { ["k"] = key } });

        var found = collector.FindIn([("a dump", serialized), ("a hex log", $"key {Convert.ToHexStringLower(key)}"), ("an upper-case hex log", Convert.ToHexString(key)), ("clean", "nothing")]);

        Assert.Equal(3, found.Count);
        Assert.Contains(found, l => l.EndsWith(" appears as is in a dump", StringComparison.Ordinal));
        Assert.Contains(found, l => l.EndsWith(" appears as is in a hex log", StringComparison.Ordinal));
        Assert.Contains(found, l => l.EndsWith(" appears as is in an upper-case hex log", StringComparison.Ordinal));
    }

    [Fact]
    public void Reports_never_contain_the_value()
    {
        var found = Collector().FindIn([("x", secret + token)]);

        Assert.Equal(2, found.Count);
        Assert.DoesNotContain(found, l => l.Contains(secret, StringComparison.Ordinal) || l.Contains(token, StringComparison.Ordinal));
    }

    private SecretValueCollector Collector()
    {
        var collector = new SecretValueCollector();
        collector.Add(secret);
        collector.Add(token);
        return collector;
    }
}
