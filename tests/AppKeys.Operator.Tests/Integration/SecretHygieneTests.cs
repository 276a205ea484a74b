using AppKeys.Operator.Apis;

namespace AppKeys.Operator.Tests.Integration;

/// <summary>
/// No consumer secret, access token or signing key may appear in any log line or Event. Runs its own issuances
/// (JWT, opaque, regeneration, renewal, revocation) and then checks everything captured so far in the suite; the
/// fixture's secret watch has recorded every version of every managed Secret.
/// </summary>
[Collection(OperatorCollection.Name)]
public sealed class SecretHygieneTests(OperatorFixture f)
{
    [Fact]
    public async Task No_secret_material_appears_in_logs_or_events()
    {
        var ns = await f.CreateNamespaceAsync("hygiene");
        await f.CreateApplicationAsync(ns, "jwt", s => s.KeyTypes = [KeyTypes.Production, KeyTypes.Sandbox]);
        await f.CreateApplicationAsync(ns, "opaque", s => s.TokenType = TokenTypes.Opaque);
        await f.CreateKeyAsync(ns, "j", "jwt", s => s.ValidityPeriod = 3);
        await f.CreateKeyAsync(ns, "s", "jwt", s => s.KeyType = KeyTypes.Sandbox);
        await f.CreateKeyAsync(ns, "o", "opaque");
        await f.WaitKeyReadyAsync(ns, "j", revision: 2, timeout: TimeSpan.FromSeconds(15));
        await f.WaitKeyReadyAsync(ns, "o");
        await f.Applications.PatchAnnotationAsync(ns, "jwt", AppKeysAnnotations.RegenerateSecret, "again");
        await f.WaitKeyReadyAsync(ns, "s", revision: 2);
        await f.Applications.DeleteAsync("opaque", ns);
        await f.WaitKeyReasonAsync(ns, "o", ConditionReasons.ApplicationNotFound);
        foreach (var name in new[] { "j", "s", "jwt-credentials" })
        {
            await f.GetSecretAsync(ns, name);
        }

        Assert.True(f.SecretValues.Count >= 8, $"only {f.SecretValues.Count} secret values were captured");
        Assert.True(f.LogLines.Count > 0, "no log lines were captured");
        var leaks = await f.FindLeaksAsync();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }
}
