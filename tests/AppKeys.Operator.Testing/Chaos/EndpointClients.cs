using System.Net;
using System.Net.Http.Headers;
using AppKeys.Credentials;
using AppKeys.Operator.KeyManager;
using Duende.IdentityModel.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AppKeys.Operator.Testing.Chaos;

/// <summary>
/// Clients of the key manager during the chaos run (Duende.IdentityModel, over HTTPS, to every live replica in turn):
/// client_credentials for a JWT and an Opaque Application, introspection of each new token on every live replica,
/// the JWT verified against the JWKS each replica publishes, and every fifth token revoked. Wrong answers, counted:
/// a token just issued that a replica calls inactive; a JWT that does not verify; a revoked token active on the
/// replica that revoked it or on a replica that had already called it inactive, or not inactive everywhere after the
/// run. A replica that does not answer (killed, starting, 503) is unavailable, not wrong. No token or secret is ever
/// written to a message: tokens are named by fingerprint.
/// </summary>
public sealed class EndpointClients(
    Func<IReadOnlyList<IKeyManagerReplica>> live,
    string caPem,
    Func<DateTimeOffset>? now,
    (string Issuer, string? Audience) jwtValidation,
    string introspector,
    (string Id, string Secret) jwtClient,
    (string Id, string Secret) opaqueClient,
    SecretValueCollector seen)
{
    private readonly Lock gate = new();
    private readonly List<string> wrong = [];
    private readonly List<Revoked> revoked = [];
    private long tokens;
    private long introspections;
    private long verified;
    private long unavailable;
    private long revocations;
    private long revokedChecks;

    public IReadOnlyList<string> Wrong
    {
        get
        {
            lock (gate)
            {
                return [.. wrong];
            }
        }
    }

    public string Summary =>
        $"tokens issued {tokens} (JWT and opaque), introspections {introspections}, JWT verifications {verified}, revocations {revocations} "
        + $"(revoked tokens re-checked {revokedChecks} times), unavailable answers {unavailable}, wrong answers {Wrong.Count}";

    public long Tokens => Interlocked.Read(ref tokens);

    public long Introspections => Interlocked.Read(ref introspections);

    /// <summary>Waits until every live replica issues a token to both clients (their caches have the new Applications).</summary>
    public async Task WaitServedAsync(TimeSpan timeout)
    {
        using var http = TrustingHttpClient.Create(caPem, now: now);
        var deadline = DateTime.UtcNow + timeout;
        foreach (var r in live())
        {
            foreach (var client in new[] { jwtClient, opaqueClient })
            {
                while (await TokenAsync(http, r, client, CancellationToken.None, quiet: true) is null)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        throw new TimeoutException($"{r.Identity} did not serve the endpoint clients within {timeout}");
                    }

                    await Task.Delay(200);
                }
            }
        }
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var http = TrustingHttpClient.Create(caPem, now: now);
        http.Timeout = TimeSpan.FromSeconds(10);
        for (var i = 0; !cancellationToken.IsCancellationRequested; i++)
        {
            try
            {
                await RoundAsync(http, i, cancellationToken);
                await Task.Delay(250, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task RoundAsync(HttpClient http, int round, CancellationToken cancellationToken)
    {
        var replicas = live();
        if (replicas.Count == 0)
        {
            return;
        }

        var issuer = replicas[round % replicas.Count];
        foreach (var (client, jwt) in new[] { (jwtClient, true), (opaqueClient, false) })
        {
            var token = await TokenAsync(http, issuer, client, cancellationToken);
            if (token is null)
            {
                continue;
            }

            seen.Add(token);
            Interlocked.Increment(ref tokens);
            var name = $"{(jwt ? "JWT" : "opaque")} {TokenFingerprint.Compute(token)} from {issuer.Identity}";
            if (jwt)
            {
                foreach (var r in replicas)
                {
                    if (await VerifiesAsync(http, r, token, cancellationToken) is false && Answering(r))
                    {
                        Fail($"{name} does not verify against the JWKS {r.Identity} publishes");
                    }
                }
            }

            foreach (var r in replicas)
            {
                if (await ActiveAsync(http, r, token, cancellationToken) is false && Answering(r))
                {
                    Fail($"{name}, just issued, is inactive on {r.Identity}");
                }
            }

            if (round % 5 == 0 && await RevokeAsync(http, issuer, client, token, cancellationToken))
            {
                Interlocked.Increment(ref revocations);
                var entry = new Revoked(token, name, issuer.Identity, DateTime.UtcNow);
                lock (gate)
                {
                    revoked.Add(entry);
                }

                if (await ActiveAsync(http, issuer, token, cancellationToken) is true && Answering(issuer))
                {
                    Fail($"{name} is still active on {issuer.Identity}, which answered its revocation");
                }
            }
        }

        await CheckRevokedAsync(http, replicas, cancellationToken);
    }

    /// <summary>The last revoked tokens on every live replica: never active on the replica that revoked them, nor again where seen inactive.</summary>
    private async Task CheckRevokedAsync(HttpClient http, IReadOnlyList<IKeyManagerReplica> replicas, CancellationToken cancellationToken)
    {
        Revoked[] recent;
        lock (gate)
        {
            recent = [.. revoked.TakeLast(4)];
        }

        foreach (var entry in recent)
        {
            foreach (var r in replicas)
            {
                var active = await ActiveAsync(http, r, entry.Token, cancellationToken);
                if (active is null || !Answering(r))
                {
                    continue;
                }

                Interlocked.Increment(ref revokedChecks);
                if (active is false)
                {
                    entry.InactiveOn.Add(r.Identity);
                }
                else if (entry.InactiveOn.Contains(r.Identity) || r.Identity == entry.RevokedBy)
                {
                    Fail($"revoked {entry.Name} came back active on {r.Identity}");
                }
            }
        }
    }

    /// <summary>After the run, in quiet: every token revoked during it is inactive on every live replica (each asked until it answers).</summary>
    public async Task FinalCheckAsync(CancellationToken cancellationToken)
    {
        using var http = TrustingHttpClient.Create(caPem, now: now);
        Revoked[] all;
        lock (gate)
        {
            all = [.. revoked];
        }

        foreach (var r in live())
        {
            foreach (var entry in all)
            {
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
                bool? active;
                while ((active = await ActiveAsync(http, r, entry.Token, cancellationToken)) is null && DateTime.UtcNow < deadline)
                {
                    await Task.Delay(250, cancellationToken);
                }

                if (active is null && Answering(r))
                {
                    Fail($"{r.Identity} did not answer introspection for 20 s after the run ({await ProbeAsync(http, r, entry.Token, cancellationToken)})");
                    break;
                }

                if (active is true && Answering(r))
                {
                    Fail($"revoked {entry.Name} is active on {r.Identity} after the run");
                }
            }
        }
    }

    /// <summary>What a replica answers an introspection with, without the token: the status code and the error code.</summary>
    private async Task<string> ProbeAsync(HttpClient http, IKeyManagerReplica replica, string token, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, replica.OAuthBase + KeyManagerEndpoints.IntrospectPath) { Content = new FormUrlEncodedContent([KeyValuePair.Create("token", token)]) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", introspector);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return $"{(int)response.StatusCode} {(body.Contains("\"active\"", StringComparison.Ordinal) ? "(an introspection answer)" : body[..Math.Min(body.Length, 200)])}";
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    private static bool Answering(IKeyManagerReplica replica) => replica.IsAnswering;

    private void Fail(string what)
    {
        lock (gate)
        {
            wrong.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {what}");
        }
    }

    private async Task<string?> TokenAsync(HttpClient http, IKeyManagerReplica replica, (string Id, string Secret) client, CancellationToken cancellationToken, bool quiet = false)
    {
        try
        {
            var response = await http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
            {
                Address = replica.OAuthBase + KeyManagerEndpoints.TokenPath,
                ClientId = client.Id,
                ClientSecret = client.Secret,
            }, cancellationToken);
            if (!response.IsError && response.AccessToken is { Length: > 0 } token)
            {
                return token;
            }

            if (!quiet && response.HttpStatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized && Answering(replica))
            {
                Fail($"the token endpoint of {replica.Identity} refused a valid client: {(int)response.HttpStatusCode} {response.Error}");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }

        Interlocked.Increment(ref unavailable);
        return null;
    }

    /// <summary>True/false as introspection says; null when the replica did not answer 200.</summary>
    private async Task<bool?> ActiveAsync(HttpClient http, IKeyManagerReplica replica, string token, CancellationToken cancellationToken)
    {
        try
        {
            var request = new TokenIntrospectionRequest { Address = replica.OAuthBase + KeyManagerEndpoints.IntrospectPath, Token = token };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", introspector);
            var response = await http.IntrospectTokenAsync(request, cancellationToken);
            if (response.HttpStatusCode == HttpStatusCode.OK && !response.IsError)
            {
                Interlocked.Increment(ref introspections);
                return response.IsActive;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }

        Interlocked.Increment(ref unavailable);
        return null;
    }

    private async Task<bool> RevokeAsync(HttpClient http, IKeyManagerReplica replica, (string Id, string Secret) client, string token, CancellationToken cancellationToken)
    {
        try
        {
            var response = await http.RevokeTokenAsync(new TokenRevocationRequest
            {
                Address = replica.OAuthBase + KeyManagerEndpoints.RevokePath,
                ClientId = client.Id,
                ClientSecret = client.Secret,
                Token = token,
            }, cancellationToken);
            if (!response.IsError)
            {
                return true;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
        }

        Interlocked.Increment(ref unavailable);
        return false;
    }

    /// <summary>Whether the JWT verifies against the JWKS <paramref name="replica"/> serves now; null when it does not serve one.</summary>
    private async Task<bool?> VerifiesAsync(HttpClient http, IKeyManagerReplica replica, string token, CancellationToken cancellationToken)
    {
        string jwks;
        try
        {
            using var response = await http.GetAsync(new Uri(replica.OAuthBase + KeyManagerEndpoints.JwksPath), cancellationToken);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Interlocked.Increment(ref unavailable);
                return null;
            }

            jwks = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref unavailable);
            return null;
        }

        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = new JsonWebKeySet(jwks).GetSigningKeys(),
            ValidIssuer = jwtValidation.Issuer,

            // Without a configured audience the operator's JWTs carry the consumer key.
            ValidAudience = jwtValidation.Audience ?? jwtClient.Id,

            // The replicas' clock jumps ahead of the real one: lifetime is the introspection's business here.
            ValidateLifetime = false,
        });
        Interlocked.Increment(ref verified);
        return result.IsValid;
    }

    private sealed record Revoked(string Token, string Name, string RevokedBy, DateTime At)
    {
        public HashSet<string> InactiveOn { get; } = new(StringComparer.Ordinal);
    }
}
