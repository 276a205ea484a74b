using System.Text.Json.Nodes;
using AppKeys.LocalApiServer.Admission;
using AppKeys.LocalApiServer.GoCompat;
using AppKeys.LocalApiServer.Schema;
using AppKeys.LocalApiServer.Tests.Server;

namespace AppKeys.LocalApiServer.Tests.Semantics;

/// <summary>
/// kube's validation regexes are Go RE2, where <c>$</c> matches only at the end of the text; .NET's <c>$</c> also
/// matches before a final "\n", so every pattern must end in <c>\z</c> (or be translated) or a value ending in a
/// newline slips through. Also the config-key rules of apimachinery <c>IsConfigMapKey</c> and the 1 MiB data limits.
/// </summary>
public sealed class EndOfTextValidationTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private const string ConfigKeyMessage =
        "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

    [Theory]
    [InlineData(NameRule.Dns1123Subdomain, "web.example")]
    [InlineData(NameRule.Dns1123Label, "web")]
    [InlineData(NameRule.Dns1035Label, "web")]
    public void Names_ending_in_a_newline_are_invalid(NameRule rule, string valid)
    {
        Assert.Empty(NameValidation.Check(valid, rule));
        Assert.NotEmpty(NameValidation.Check(valid + "\n", rule));
    }

    [Theory]
    [InlineData("key.name", new string[0])]
    [InlineData("KEY_NAME-1", new string[0])]
    [InlineData("key\n", new[] { ConfigKeyMessage })]
    [InlineData("", new[] { ConfigKeyMessage })]
    [InlineData(".", new[] { "must not be '.'" })]
    [InlineData("..", new[] { "must not be '..'" })]
    [InlineData("..data", new[] { "must not start with '..'" })]
    [InlineData("..a b", new[] { ConfigKeyMessage, "must not start with '..'" })]
    public void Config_keys_follow_IsConfigMapKey(string key, string[] expected)
    {
        Assert.Equal(expected, KindRules.ConfigKeyProblems(key));
    }

    [Fact]
    public void Config_keys_over_253_bytes_report_the_length_first()
    {
        Assert.Equal(["must be no more than 253 characters"], KindRules.ConfigKeyProblems(new string('k', 254)));
        Assert.Empty(KindRules.ConfigKeyProblems(new string('k', 253)));
    }

    [Theory]
    [InlineData("^[a-z]+$", "^[a-z]+\\z")]
    [InlineData("^a$|^b$", "^a\\z|^b\\z")]
    [InlineData("^[$]+$", "^[$]+\\z")]
    [InlineData("^[]$]+$", "^[]$]+\\z")]
    [InlineData("^[^]$]+$", "^[^]$]+\\z")]
    [InlineData("^\\$\\d+$", "^\\$\\d+\\z")]
    [InlineData("(?m)^a$", "(?m)^a$")]
    [InlineData("(?im:^a$)", "(?im:^a$)")]
    [InlineData("(?i)^a$", "(?i)^a\\z")]
    [InlineData("^abc", "^abc")]
    public void Go_patterns_keep_their_end_of_text_meaning(string go, string dotnet)
    {
        Assert.Equal(dotnet, GoRegex.Translate(go));
    }

    [Theory]
    [InlineData("^[a-z]+$", "abc", true)]
    [InlineData("^[a-z]+$", "abc\n", false)]
    [InlineData("[a-z]$", "abc\n", false)]
    [InlineData("(?m)^[a-z]+$", "abc\n", true)]
    public void Compiled_patterns_match_as_Go_does(string pattern, string value, bool matches)
    {
        Assert.Equal(matches, GoRegex.Compile(pattern, TimeSpan.FromSeconds(1)).IsMatch(value));
    }

    [Theory]
    [InlineData("date", "2024-01-02")]
    [InlineData("uuid", "123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("hostname", "example.com")]
    [InlineData("email", "a@example.com")]
    [InlineData("mac", "01:23:45:67:89:ab")]
    [InlineData("hexcolor", "#ffffff")]
    [InlineData("bsonobjectid", "507f1f77bcf86cd799439011")]
    [InlineData("ssn", "123-45-6789")]
    public void Formats_reject_a_trailing_newline(string format, string valid)
    {
        Assert.True(Formats.Check(format, valid));
        Assert.False(Formats.Check(format, valid + "\n"));
    }

    [Theory]
    [InlineData("/api/v1/namespaces/NS/configmaps", "{\"metadata\":{\"name\":\"web\\n\"}}")]
    [InlineData("/api/v1/namespaces/NS/services", "{\"metadata\":{\"name\":\"web\\n\"},\"spec\":{\"ports\":[{\"port\":80}]}}")]
    [InlineData("/api/v1/namespaces", "{\"metadata\":{\"name\":\"web\\n\"}}")]
    public async Task A_name_ending_in_a_newline_is_422(string path, string body)
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, status, _) = await fx.SendAsync(HttpMethod.Post, path.Replace("NS", ns, StringComparison.Ordinal), body);

        Assert.True(code == 422, status?.ToJsonString());
        var cause = status!["details"]!["causes"]![0]!;
        Assert.Equal("metadata.name", cause["field"]!.GetValue<string>());
        Assert.StartsWith("Invalid value: \"web\\n\": ", cause["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Config_keys_with_a_newline_or_a_dot_dot_prefix_are_422_with_one_cause_per_problem()
    {
        var ns = await fx.NewNamespaceAsync();
        var (code, status, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps",
            """{"metadata":{"name":"c"},"data":{"k\n":"v"},"binaryData":{"..x":"AA=="}}""");

        Assert.True(code == 422, status?.ToJsonString());
        var causes = status!["details"]!["causes"]!.AsArray()
            .Select(c => $"{c!["field"]!.GetValue<string>()}|{c["message"]!.GetValue<string>()}").ToArray();
        Assert.Equal([$"data[k\n]|Invalid value: \"k\\n\": {ConfigKeyMessage}", "binaryData[..x]|Invalid value: \"..x\": must not start with '..'"], causes);
    }

    [Fact]
    public async Task A_custom_resource_pattern_rejects_a_trailing_newline()
    {
        var group = await fx.CreateCrdAsync("Tag", """
            {"type":"object","properties":{"spec":{"type":"object","properties":{"code":{"type":"string","pattern":"^[a-z]+$"}}}}}
            """);
        int code;
        JsonNode? body;
        var ns = await fx.NewNamespaceAsync();
        var tags = $"/apis/{group}/v1/namespaces/{ns}/tags";
        var tag = """{"apiVersion":"GROUP/v1","kind":"Tag","metadata":{"name":"NAME"},"spec":{"code":"CODE"}}""".Replace("GROUP", group, StringComparison.Ordinal);

        (code, body, _) = await fx.SendAsync(HttpMethod.Post, tags, tag.Replace("NAME", "ok", StringComparison.Ordinal).Replace("CODE", "abc", StringComparison.Ordinal));
        Assert.True(code == 201, body?.ToJsonString());
        (code, body, _) = await fx.SendAsync(HttpMethod.Post, tags, tag.Replace("NAME", "bad", StringComparison.Ordinal).Replace("CODE", "abc\\n", StringComparison.Ordinal));
        Assert.True(code == 422, body?.ToJsonString());
        Assert.Equal("Invalid value: \"abc\\n\": spec.code in body should match '^[a-z]+$'",
            body!["details"]!["causes"]![0]!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Secret_data_over_1_MiB_is_too_long_with_kube_1_32_text_and_keys_do_not_count()
    {
        var ns = await fx.NewNamespaceAsync();
        // Exactly 1 MiB of decoded values plus long keys: kube counts the values only.
        var fits = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "fits" },
            ["data"] = new JsonObject
            {
                [new string('a', 200)] = Convert.ToBase64String(new byte[(1024 * 1024) - 1]),
                [new string('b', 200)] = Convert.ToBase64String(new byte[1]),
            },
        };
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", fits.ToJsonString());
        Assert.True(code == 201, Shorten(body?.ToJsonString()));

        var over = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "over" },
            ["data"] = new JsonObject { ["a"] = Convert.ToBase64String(new byte[(1024 * 1024) + 1]) },
        };
        (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/secrets", over.ToJsonString());
        Assert.True(code == 422, Shorten(body?.ToJsonString()));
        Assert.Equal("Secret \"over\" is invalid: data: Too long: may not be more than 1048576 bytes", body!["message"]!.GetValue<string>());
        var cause = body["details"]!["causes"]![0]!;
        Assert.Equal("FieldValueTooLong", cause["reason"]!.GetValue<string>());
        Assert.Equal("data", cause["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task ConfigMap_data_over_1_MiB_is_too_long_on_the_whole_object()
    {
        var ns = await fx.NewNamespaceAsync();
        var over = new JsonObject
        {
            ["metadata"] = new JsonObject { ["name"] = "over" },
            ["data"] = new JsonObject { ["a"] = new string('x', 1024 * 1024) },
            ["binaryData"] = new JsonObject { ["b"] = Convert.ToBase64String(new byte[1]) },
        };
        var (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", over.ToJsonString());
        Assert.True(code == 422, Shorten(body?.ToJsonString()));
        Assert.Equal("ConfigMap \"over\" is invalid: []: Too long: may not be more than 1048576 bytes", body!["message"]!.GetValue<string>());

        over["binaryData"] = null;
        (code, body, _) = await fx.SendAsync(HttpMethod.Post, $"/api/v1/namespaces/{ns}/configmaps", over.ToJsonString());
        Assert.True(code == 201, Shorten(body?.ToJsonString()));
    }

    private static string? Shorten(string? text) => text is { Length: > 2000 } ? text[..2000] + "..." : text;
}
