using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Tests.Server;

/// <summary>
/// Malformed requests get kube-apiserver's Status (code, reason and, where kube's text is known, the message) and
/// leave the server serving and its store intact. Sources: apiserver <c>pkg/endpoints/handlers/{create,update,patch,
/// rest,get,delete}.go</c>, apimachinery <c>pkg/api/errors/errors.go</c>, <c>runtime/serializer/json/meta.go</c>,
/// Go's <c>encoding/json/scanner.go</c>.
/// </summary>
public sealed class MalformedRequestTests(ApiServerFixture fx) : IClassFixture<ApiServerFixture>
{
    private const string Ns = "malformed";
    private const string Keep = $"/api/v1/namespaces/{Ns}/configmaps/keep";
    private const string ConfigMaps = $"/api/v1/namespaces/{Ns}/configmaps";
    private const string Json = "application/json";
    private const string Merge = "application/merge-patch+json";
    private const string Strategic = "application/strategic-merge-patch+json";
    private const string JsonPatch = "application/json-patch+json";
    private const string Apply = "application/apply-patch+yaml";
    private const string Unrecognized = "the object provided is unrecognized (must be of type ConfigMap): couldn't get version/kind; json parse error: ";
    private const string Rejected = "the server rejected our request due to an error in our request";
    private const string NotFoundPath = "the server could not find the requested resource";

    private static readonly SemaphoreSlim SetupGate = new(1, 1);

    public static TheoryData<string, string, string, string?, string?, int, string?, string?> Cases() => new()
    {
        // name, method, path, content type, body, code, reason (null: none), message (null: not asserted)
        { "bad JSON", "POST", ConfigMaps, Json, "{bad", 400, "BadRequest", Unrecognized + "invalid character 'b' looking for beginning of object key string ({bad)" },
        { "truncated JSON", "POST", ConfigMaps, Json, """{"metadata":{"name":"x"}""", 400, "BadRequest", Unrecognized + """unexpected end of JSON input ({"metadata":{"name":"x"})""" },
        { "missing colon", "POST", ConfigMaps, Json, """{"metadata" {}}""", 400, "BadRequest", Unrecognized + """invalid character '{' after object key ({"metadata" {}})""" },
        { "trailing garbage", "POST", ConfigMaps, Json, "{} x", 400, "BadRequest", Unrecognized + "invalid character 'x' after top-level value ({} x)" },
        { "empty body", "POST", ConfigMaps, Json, "", 400, "BadRequest", Unrecognized + "unexpected end of JSON input (<empty>)" },
        { "array body", "POST", ConfigMaps, Json, "[]", 400, "BadRequest",
            Unrecognized + "json: cannot unmarshal array into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" } (0x5b5d)" },
        { "kind differs from the URL", "POST", ConfigMaps, Json, """{"kind":"Secret","apiVersion":"v1","metadata":{"name":"x"}}""", 400, "BadRequest", null },
        { "apiVersion differs from the URL", "POST", ConfigMaps, Json, """{"kind":"ConfigMap","apiVersion":"apps/v1","metadata":{"name":"x"}}""", 400, "BadRequest", null },
        { "namespace differs from the URL", "POST", ConfigMaps, Json, """{"metadata":{"name":"x","namespace":"other"}}""", 400, "BadRequest",
            "the namespace of the provided object does not match the namespace sent on the request" },
        { "name differs from the URL", "PUT", Keep, Json, """{"metadata":{"name":"other"}}""", 400, "BadRequest",
            "the name of the object (other) does not match the name on the URL (keep)" },
        { "resourceVersion on create", "POST", ConfigMaps, Json, """{"metadata":{"name":"x","resourceVersion":"1"}}""", 400, "BadRequest",
            "resourceVersion should not be set on objects to be created" },
        { "missing name", "POST", ConfigMaps, Json, """{"metadata":{}}""", 422, "Invalid",
            "ConfigMap \"\" is invalid: metadata.name: Required value: name or generateName is required" },
        { "invalid name", "POST", ConfigMaps, Json, """{"metadata":{"name":"Bad_Name"}}""", 422, "Invalid",
            "ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')" },
        { "missing namespace", "POST", "/api/v1/namespaces/absent/configmaps", Json, """{"metadata":{"name":"x"}}""", 404, "NotFound", "namespaces \"absent\" not found" },
        { "unknown media type", "POST", ConfigMaps, "text/plain", "{}", 415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf" },
        { "patch as application/json", "PATCH", Keep, Json, "{}", 415, "UnsupportedMediaType",
            "the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml" },
        { "bad merge patch", "PATCH", Keep, Merge, "{bad", 400, "BadRequest", "error decoding patch: invalid character 'b' looking for beginning of object key string" },
        { "merge patch not an object", "PATCH", Keep, Merge, "[1]", 400, "BadRequest", "error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}" },
        { "bad strategic patch", "PATCH", Keep, Strategic, """{"data":}""", 400, "BadRequest", "invalid character '}' looking for beginning of value" },
        { "JSON patch not a list", "PATCH", Keep, JsonPatch, """{"op":"add"}""", 400, "BadRequest", "error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp" },
        { "JSON patch on a missing path", "PATCH", Keep, JsonPatch, """[{"op":"remove","path":"/data/absent"}]""", 422, "Invalid", Rejected },
        { "JSON patch failing test", "PATCH", Keep, JsonPatch, """[{"op":"test","path":"/metadata/name","value":"other"}]""", 422, "Invalid", Rejected },
        { "apply without fieldManager", "PATCH", Keep, Apply, "data: {a: b}", 422, "Invalid",
            "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch" },
        { "apply with bad YAML", "PATCH", Keep + "?fieldManager=t", Apply, "data: [b", 400, "BadRequest", null },
        { "bad propagationPolicy", "DELETE", Keep, Json, """{"propagationPolicy":"Sideways"}""", 422, "Invalid",
            "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sideways\": supported values: \"Foreground\", \"Background\", \"Orphan\", \"nil\"" },
        { "bad label selector", "GET", ConfigMaps + "?labelSelector=a%20in%20(b", null, null, 400, "BadRequest", "unable to parse requirement: found '', expected: ',' or ')'" },
        { "field selector without operator", "GET", ConfigMaps + "?fieldSelector=metadata.name", null, null, 400, "BadRequest",
            "invalid selector: 'metadata.name'; can't understand 'metadata.name'" },
        { "unsupported field selector", "GET", ConfigMaps + "?fieldSelector=data.a%3D1", null, null, 400, "BadRequest", "field label not supported: data.a" },
        { "limit not a number", "GET", ConfigMaps + "?limit=abc", null, null, 400, "BadRequest", "strconv.ParseInt: parsing \"abc\": invalid syntax" },
        { "timeoutSeconds not a number", "GET", ConfigMaps + "?watch=true&timeoutSeconds=soon", null, null, 400, "BadRequest", "strconv.ParseInt: parsing \"soon\": invalid syntax" },
        { "resourceVersion not a number", "GET", ConfigMaps + "?resourceVersion=abc", null, null, 400, "BadRequest", null },
        { "watch resourceVersion not a number", "GET", ConfigMaps + "?watch=true&resourceVersion=abc", null, null, 400, "BadRequest", null },
        { "garbage continue token", "GET", ConfigMaps + "?limit=1&continue=%25%25", null, null, 400, "BadRequest", null },
        { "resourceVersionMatch without resourceVersion", "GET", ConfigMaps + "?resourceVersionMatch=Exact", null, null, 422, "Invalid",
            "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided" },
        { "unknown resource", "GET", "/api/v1/widgets", null, null, 404, "NotFound", NotFoundPath },
        { "unknown group", "GET", "/apis/nothing.example.com/v1/things", null, null, 404, "NotFound", NotFoundPath },
        { "unknown version", "GET", "/apis/apps/v9/deployments", null, null, 404, "NotFound", NotFoundPath },
        { "unknown path", "GET", "/no/such/path", null, null, 404, "NotFound", NotFoundPath },
        { "cluster-scoped resource under a namespace", "GET", $"/api/v1/namespaces/{Ns}/namespaces", null, null, 404, "NotFound", NotFoundPath },
        { "missing object", "GET", ConfigMaps + "/absent", null, null, 404, "NotFound", "configmaps \"absent\" not found" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Answers_kube_status_and_keeps_serving(string name, string method, string path, string? contentType, string? body,
        int code, string? reason, string? message)
    {
        var before = await SetUpAsync();
        var (actualCode, status) = await SendAsync(new HttpMethod(method), path, contentType, body is null ? null : Encoding.UTF8.GetBytes(body));
        AssertStatus(name, status, actualCode, code, reason, message);
        await AssertIntactAsync(before);
    }

    [Fact]
    public async Task Oversized_bodies_are_rejected_before_decoding()
    {
        var before = await SetUpAsync();
        // kube-apiserver's request body limit (--max-request-bytes for the apiserver: 3 MiB) → 413.
        var huge = new byte[(3 * 1024 * 1024) + 1];
        Array.Fill(huge, (byte)' ');
        var (code, status) = await SendAsync(HttpMethod.Post, ConfigMaps, Json, huge);
        AssertStatus("oversized create", status, code, 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
        (code, status) = await SendAsync(HttpMethod.Patch, Keep, Merge, huge);
        AssertStatus("oversized patch", status, code, 413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
        await AssertIntactAsync(before);
    }

    [Fact]
    public async Task Objects_over_the_etcd_request_limit_are_not_stored()
    {
        var before = await SetUpAsync();
        // Under the 3 MiB body limit but over etcd's 1.5 MiB request limit: the registry passes etcd's error through
        // as a plain error, so kube answers 500 without a reason. (ConfigMap data is limited to 1 MiB by validation,
        // so the bulk is 13,000 valid labels: about 1.7 MB in JSON and in kube's protobuf alike.)
        var labels = string.Join(",", Enumerable.Range(0, 13_000).Select(i => $"\"{i:D5}{new string('k', 58)}\":\"{new string('v', 63)}\""));
        var body = Encoding.UTF8.GetBytes("{\"metadata\":{\"name\":\"big\",\"labels\":{" + labels + "}}}");
        var (code, status) = await SendAsync(HttpMethod.Post, ConfigMaps, Json, body);
        AssertStatus("object over 1.5 MiB", status, code, 500, null, "etcdserver: request is too large");
        (code, _) = await SendAsync(HttpMethod.Get, ConfigMaps + "/big", null, null);
        Assert.Equal(404, code);
        var patch = Encoding.UTF8.GetBytes("{\"metadata\":{\"labels\":{" + labels + "}}}");
        (code, status) = await SendAsync(HttpMethod.Patch, Keep, Merge, patch);
        AssertStatus("patch over 1.5 MiB", status, code, 500, null, "etcdserver: request is too large");
        await AssertIntactAsync(before);
    }

    [Fact]
    public async Task Negative_limit_lists_everything()
    {
        await SetUpAsync();
        var (code, list) = await SendAsync(HttpMethod.Get, ConfigMaps + "?limit=-1", null, null);
        Assert.Equal(200, code);
        Assert.Contains("keep", list!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
        Assert.Null(list["metadata"]!["continue"]);
    }

    private static void AssertStatus(string name, JsonNode? status, int actualCode, int code, string? reason, string? message)
    {
        Assert.True(actualCode == code, $"{name}: expected {code}, got {actualCode}: {status?.ToJsonString()}");
        Assert.NotNull(status);
        Assert.Equal("Status", status["kind"]?.GetValue<string>());
        Assert.Equal("v1", status["apiVersion"]?.GetValue<string>());
        Assert.Equal("Failure", status["status"]?.GetValue<string>());
        Assert.Equal(code, status["code"]!.GetValue<int>());
        Assert.Equal(reason, status["reason"]?.GetValue<string>());
        if (message is not null)
        {
            Assert.Equal(message, status["message"]?.GetValue<string>());
        }
    }

    /// <summary>Creates the namespace and the object every case must leave untouched; returns its state.</summary>
    private async Task<string> SetUpAsync()
    {
        await SetupGate.WaitAsync();
        try
        {
            var (code, _, _) = await fx.SendAsync(HttpMethod.Get, Keep);
            if (code == 404)
            {
                (code, var body, _) = await fx.SendAsync(HttpMethod.Post, "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + Ns + "\"}}");
                Assert.True(code is 201 or 409, body?.ToJsonString());
                (code, body, _) = await fx.SendAsync(HttpMethod.Post, ConfigMaps, """{"metadata":{"name":"keep","labels":{"a":"b"}},"data":{"k":"v"}}""");
                Assert.True(code == 201, body?.ToJsonString());
            }
        }
        finally
        {
            SetupGate.Release();
        }
        var (_, keep, _) = await fx.SendAsync(HttpMethod.Get, Keep);
        return keep!.ToJsonString();
    }

    /// <summary>The server still answers, the untouched object is unchanged and nothing else was written.</summary>
    private async Task AssertIntactAsync(string before)
    {
        var (code, keep, _) = await fx.SendAsync(HttpMethod.Get, Keep);
        Assert.Equal(200, code);
        Assert.Equal(before, keep!.ToJsonString());
        var (listCode, list, _) = await fx.SendAsync(HttpMethod.Get, ConfigMaps);
        Assert.Equal(200, listCode);
        Assert.Equal(["keep"], list!["items"]!.AsArray().Select(i => i!["metadata"]!["name"]!.GetValue<string>()));
    }

    private async Task<(int Code, JsonNode? Body)> SendAsync(HttpMethod method, string path, string? contentType, byte[]? body)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            if (contentType is not null)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
            }
        }
        using var response = await fx.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length > 0 && text[0] == '{' ? JsonNode.Parse(text) : null);
    }
}
