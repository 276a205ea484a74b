using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AppKeys.Operator.KeyManager;

namespace AppKeys.Operator.Tests.KeyManager;

/// <summary>RFC 6749 §5.1/§5.2 (and RFC 7009) responses of the token and revocation endpoints, as a table.</summary>
[Collection(KeyManagerCollection.Name)]
public sealed class KeyManagerErrorTests(KeyManagerFixture f)
{
    private enum Auth
    {
        None,
        Basic,
        BasicWrongSecret,
        Post,
        PostWrongSecret,
        BasicAndPost,
        Bearer,
        UnknownClient,
    }

    private sealed record Case(string Name, string Path, Auth Auth, string Body, int Status, string? Error, string ContentType = "application/x-www-form-urlencoded", string? Client = null);

    [Fact]
    public async Task Every_error_case_answers_as_the_RFCs_say()
    {
        var (_, _, key, secret) = await f.CreateApplicationAsync("km-errors");
        var (_, _, codeOnlyKey, codeOnlySecret) = await f.CreateApplicationAsync("km-errors-code", s => s.GrantTypes = ["authorization_code"]);
        var cc = "grant_type=client_credentials";
        var cases = new Case[]
        {
            new("success", KeyManagerEndpoints.TokenPath, Auth.Basic, cc, 200, null),
            new("success, client_secret_post", KeyManagerEndpoints.TokenPath, Auth.Post, cc, 200, null),
            new("JSON body", KeyManagerEndpoints.TokenPath, Auth.Basic, """{"grant_type":"client_credentials"}""", 400, "invalid_request", "application/json"),
            new("no content type", KeyManagerEndpoints.TokenPath, Auth.Basic, cc, 400, "invalid_request", ""),
            new("grant_type twice", KeyManagerEndpoints.TokenPath, Auth.Basic, cc + "&" + cc, 400, "invalid_request"),
            new("scope twice", KeyManagerEndpoints.TokenPath, Auth.Basic, cc + "&scope=orders:read&scope=orders:read", 400, "invalid_request"),
            new("no grant_type", KeyManagerEndpoints.TokenPath, Auth.Basic, "scope=orders:read", 400, "invalid_request"),
            new("password grant", KeyManagerEndpoints.TokenPath, Auth.Basic, "grant_type=password&username=a&password=b", 400, "unsupported_grant_type"),
            new("no client authentication", KeyManagerEndpoints.TokenPath, Auth.None, cc, 401, "invalid_client"),
            new("wrong secret, Basic", KeyManagerEndpoints.TokenPath, Auth.BasicWrongSecret, cc, 401, "invalid_client"),
            new("wrong secret, post", KeyManagerEndpoints.TokenPath, Auth.PostWrongSecret, cc, 401, "invalid_client"),
            new("unknown client", KeyManagerEndpoints.TokenPath, Auth.UnknownClient, cc, 401, "invalid_client"),
            new("Bearer instead of Basic", KeyManagerEndpoints.TokenPath, Auth.Bearer, cc, 401, "invalid_client"),
            new("two authentication methods", KeyManagerEndpoints.TokenPath, Auth.BasicAndPost, cc, 400, "invalid_request"),
            new("scope not allowed", KeyManagerEndpoints.TokenPath, Auth.Basic, cc + "&scope=orders:read%20admin", 400, "invalid_scope"),
            new("malformed scope", KeyManagerEndpoints.TokenPath, Auth.Basic, cc + "&scope=orders%22read", 400, "invalid_scope"),
            new("validity_period 0", KeyManagerEndpoints.TokenPath, Auth.Basic, cc + "&validity_period=0", 400, "invalid_request"),
            new("validity_period not a number", KeyManagerEndpoints.TokenPath, Auth.Basic, cc + "&validity_period=soon", 400, "invalid_request"),
            new("grant type not allowed for the Application", KeyManagerEndpoints.TokenPath, Auth.Basic, cc, 400, "unauthorized_client", Client: "code-only"),
            new("body over 16 KiB", KeyManagerEndpoints.TokenPath, Auth.Basic, cc + "&scope=" + new string('a', 17 * 1024), 413, "invalid_request"),
            new("revoke without token", KeyManagerEndpoints.RevokePath, Auth.Basic, "token_type_hint=access_token", 400, "invalid_request"),
            new("revoke unknown token", KeyManagerEndpoints.RevokePath, Auth.Basic, "token=nothing-we-issued", 200, null),
            new("revoke with a wrong secret", KeyManagerEndpoints.RevokePath, Auth.BasicWrongSecret, "token=x", 401, "invalid_client"),
        };

        using var http = f.NewHttpClient("127.0.0.3");
        var failures = new List<string>();
        foreach (var c in cases)
        {
            var (id, pass) = c.Client == "code-only" ? (codeOnlyKey, codeOnlySecret) : (key, secret);
            using var request = new HttpRequestMessage(HttpMethod.Post, f.Issuer + c.Path);
            var body = c.Body;
            switch (c.Auth)
            {
                case Auth.Basic or Auth.BasicAndPost:
                    request.Headers.Authorization = Basic(id, pass);
                    body += c.Auth == Auth.BasicAndPost ? $"&client_id={id}&client_secret={pass}" : "";
                    break;
                case Auth.BasicWrongSecret:
                    request.Headers.Authorization = Basic(id, "wrong-secret");
                    break;
                case Auth.Post:
                    body += $"&client_id={id}&client_secret={pass}";
                    break;
                case Auth.PostWrongSecret:
                    body += $"&client_id={id}&client_secret=wrong-secret";
                    break;
                case Auth.UnknownClient:
                    request.Headers.Authorization = Basic("AAAAAAAAAAAAAAAAAAAAAAAAAAAA", pass);
                    break;
                case Auth.Bearer:
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "abc");
                    break;
            }

            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            if (c.ContentType.Length > 0)
            {
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(c.ContentType);
            }

            var response = await http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var problems = new List<string>();
            if ((int)response.StatusCode != c.Status)
            {
                problems.Add($"status {(int)response.StatusCode}, expected {c.Status}");
            }

            if (response.Headers.CacheControl?.NoStore != true || !response.Headers.Pragma.ToString().Contains("no-cache", StringComparison.Ordinal))
            {
                problems.Add("no Cache-Control: no-store / Pragma: no-cache");
            }

            if (c.Error is not null)
            {
                var error = text.Length > 0 ? JsonDocument.Parse(text).RootElement.GetProperty("error").GetString() : null;
                if (error != c.Error)
                {
                    problems.Add($"error {error}, expected {c.Error}");
                }

                if (response.Content.Headers.ContentType?.MediaType != "application/json")
                {
                    problems.Add($"content type {response.Content.Headers.ContentType}");
                }
            }

            if (c.Status == 401 && c.Path == KeyManagerEndpoints.TokenPath && response.Headers.WwwAuthenticate.ToString() != $"Basic realm=\"{OAuthHttp.Realm}\"")
            {
                problems.Add($"WWW-Authenticate '{response.Headers.WwwAuthenticate}'");
            }

            if (c.Path == KeyManagerEndpoints.TokenPath && c.Status == 200)
            {
                var json = JsonDocument.Parse(text).RootElement;
                if (json.GetProperty("token_type").GetString() != "Bearer" || json.GetProperty("expires_in").GetInt32() != 3600 || !json.TryGetProperty("access_token", out _))
                {
                    problems.Add("success body lacks access_token, token_type Bearer or expires_in 3600");
                }
            }

            if (text.Contains(secret, StringComparison.Ordinal) && c.Status != 200)
            {
                problems.Add("the answer contains the consumer secret");
            }

            if (problems.Count > 0)
            {
                failures.Add($"{c.Name}: {string.Join("; ", problems)}");
            }
        }

        using (var get = new HttpRequestMessage(HttpMethod.Get, f.Issuer + KeyManagerEndpoints.TokenPath))
        {
            var response = await http.SendAsync(get);
            if (response.StatusCode != HttpStatusCode.MethodNotAllowed)
            {
                failures.Add($"GET token: {(int)response.StatusCode}, expected 405");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_plain_HTTP_port_never_serves_the_OAuth_endpoints()
    {
        var (_, _, key, secret) = await f.CreateApplicationAsync("km-plain");
        var address = f.ReplicaA.Urls.First(u => u.StartsWith("http://", StringComparison.Ordinal));
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, address + KeyManagerEndpoints.TokenPath) { Content = KeyManagerEndpointTests.Form(("grant_type", "client_credentials")) };
        request.Headers.Authorization = Basic(key, secret);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(request)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(address + "/.well-known/jwks.json"))).StatusCode);
    }

    private static AuthenticationHeaderValue Basic(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(id)}:{Uri.EscapeDataString(secret)}")));
}
