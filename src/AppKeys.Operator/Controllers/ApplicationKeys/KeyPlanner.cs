using AppKeys.Credentials;
using AppKeys.Operator.Apis;
using AppKeys.Operator.Controllers.Applications;
using AppKeys.Runtime.Events;
using k8s.Models;

namespace AppKeys.Operator.Controllers.ApplicationKeys;

/// <summary>
/// What a key's Secret and status should be, from what was observed, the time and the token source. Pure and total:
/// identity and bookkeeping come from status (the key's token record, the Application's credential record); the
/// Secret is an output, checked against them and repaired. In order: the key's own spec; a foreign Secret in the way;
/// whether the key is still entitled (access withdrawn takes the Secret away); the Application's credentials; then
/// whether to issue (<see cref="IssuancePolicy"/>, bounded by <see cref="IssuanceRate"/>) and the Secret to write.
/// Every Secret the key had under another name goes, so no live token is left where no key owns it.
/// </summary>
public static class KeyPlanner
{
    /// <summary>How soon a key that needs a JWT looks again when no signing key is loaded.</summary>
    public static readonly TimeSpan SigningKeysRecheck = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The plan; with a new <c>appkeys.io/revoke</c> value it also carries the recorded token to revoke, whatever
    /// else the plan does (even when the new token must wait for the rate limit or a signing key): revocation is
    /// never delayed, and the shell makes it durable before it writes anything.
    /// </summary>
    public static KeyPlan Plan(KeyObservation observed, KeyPlanContext context)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var record = TokenRecord.FromStatus(observed.Key.Status);
        var revoking = IssuancePolicy.RevokeRequested(record, observed.Key.Metadata.Annotation(AppKeysAnnotations.Revoke));
        var plan = PlanToken(observed, context, revoking);
        return revoking is not null && record is not null ? plan with { Revoke = new TokenRevocation(record.TokenId, record.ExpiresAt, record.Revision) } : plan;
    }

    private static KeyPlan PlanToken(KeyObservation observed, KeyPlanContext context, IssuanceDecision? revoking)
    {
        var key = observed.Key;
        var spec = EffectiveKeySpec.From(key);
        var record = TokenRecord.FromStatus(key.Status);
        var written = key.Status?.Secrets ?? [];
        var own = Own(observed.Secret, key, written);
        var deletes = observed.Former
            .Where(s => s.Metadata.Name != spec.SecretName && Own(s, key, written) is not null)
            .Select(s => Delete(s, $"the key's Secret is now {spec.SecretName}"))
            .ToList();

        // The Secret holding the recorded token: the key's own, or after a rename its former one (the token moves).
        var carrier = new[] { own }.Concat(observed.Former.Where(s => Own(s, key, written) is not null)).FirstOrDefault(s => TokenIdentity.Holds(s, record));
        var held = carrier is not null ? record : null;

        if (ApplicationKeyValidator.ValidateSpec(key) is { } invalid)
        {
            return Keep(key, spec, own, held, deletes, invalid, context.Now);
        }

        if (observed.Secret is not null && own is null)
        {
            var conflict = new NotReady(ConditionReasons.SecretConflict, $"Secret {spec.SecretName} exists and is not owned by this ApplicationKey; it is left untouched");
            return Keep(key, spec, null, null, deletes, conflict, context.Now) with { Next = context.Now + Rechecks.Conflict };
        }

        if (Entitlement.Check(spec, observed.Application) is { } denied)
        {
            if (!Entitlement.Withdraws(denied.Reason))
            {
                return Keep(key, spec, own, held, deletes, denied, context.Now);
            }

            var events = new List<PlannedEvent>();
            if (own is not null)
            {
                deletes.Add(Delete(own, $"access withdrawn ({denied.Reason})"));
                events.Add(new PlannedEvent(EventTypes.Warning, "Revoked", $"{denied.Message}: Secret {own.Metadata.Name} with the key's token and consumer secret deleted"));
            }

            var withdrawn = Keep(key, spec, null, null, deletes, denied, context.Now);
            return withdrawn with { Events = [.. events, .. withdrawn.Events] };
        }

        var application = observed.Application;
        if (application is null)
        {
            return KeyPlan.Wait;
        }

        var credentials = ApplicationCredentials.For(application, observed.ApplicationSecret, spec.KeyType);
        if (credentials.Credentials is not { } current)
        {
            return credentials.NotReady is { } notReady ? Keep(key, spec, own, held, deletes, notReady, context.Now) : KeyPlan.Wait;
        }

        var inputs = IssuanceInputs.From(spec, EffectiveApplicationSpec.From(application), application.Metadata.Uid, current.ApplicationId, current.Current.ConsumerKey, context.Issuer, key.Metadata.Uid);
        var decision = revoking ?? IssuancePolicy.Evaluate(new IssuanceState(
            held,
            own is not null,
            held is not null,
            key.Status?.Revision ?? 0,
            inputs.Hash(),
            carrier is not null && ConsumerSecretMatches(carrier, current.Current.ConsumerSecret),
            key.Metadata.Annotation(AppKeysAnnotations.Renew),
            spec.RenewBeforeSpan,
            context.Now,
            Signing.SignedTokens.KeyIdOf(carrier),
            context.SigningKeys));

        // A JWT needs a published signing key; none loaded yet: say so and look again soon, never wait.
        if ((decision is not null || held is null) && inputs.TokenType == TokenTypes.Jwt && !context.CanSignJwt)
        {
            var unavailable = new NotReady(ConditionReasons.SigningKeysUnavailable, "No published signing key is loaded yet; the token is issued as soon as one is");
            return Keep(key, spec, own, held, deletes, held is null ? unavailable : null, context.Now) with { Next = context.Now + SigningKeysRecheck };
        }

        // Likewise an opaque token needs the sealing keys (loaded by every replica at start).
        if ((decision is not null || held is null) && inputs.TokenType != TokenTypes.Jwt && !context.CanSealOpaque)
        {
            var unavailable = new NotReady(ConditionReasons.TokenKeysUnavailable, "The opaque-token sealing keys are not loaded yet; the token is issued as soon as they are");
            return Keep(key, spec, own, held, deletes, held is null ? unavailable : null, context.Now) with { Next = context.Now + SigningKeysRecheck };
        }

        if (decision is not null && IssuanceRate.Earliest(key.Status?.IssuedAt is { } last ? new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc)) : null, decision.Reason) is { } earliest && context.Now < earliest)
        {
            var limited = held is null ? new NotReady(ConditionReasons.IssuanceRateLimited, $"{decision.Message}; the next token may be issued at {Rfc3339.ToString(earliest)}") : null;
            return Keep(key, spec, own, held, deletes, limited, context.Now) with { Next = earliest };
        }

        var (token, next, issued) = decision is null && held is not null && TokenIdentity.AccessToken(carrier) is { } accessToken
            ? (accessToken, held, null)
            : Issue(key, spec, inputs, decision ?? new IssuanceDecision(IssuanceReasons.SecretMissing, "The key holds no token; issuing a new token"), context);

        var desired = KeySecretBuilder.Build(key, spec, new KeySecretContent(current, token, next), own);
        var write = own is null ? new SecretWrite(desired, Create: true)
            : ManagedSecrets.UpToDate(own, desired) ? null
            : new SecretWrite(desired, Create: false);

        // Someone else changed the key's Secret since the operator's last write (or took away its owner reference).
        var tampered = own is not null && write is not null && written.FirstOrDefault(w => w.Name == own.Metadata.Name) is { } mine && mine.ResourceVersion != own.Metadata.ResourceVersion;
        var plannedEvents = new List<PlannedEvent>();
        if (issued is not null)
        {
            var expiry = next.ExpiresAt is { } e ? $"expires at {Rfc3339.ToString(e)}" : "never expires";
            plannedEvents.Add(new PlannedEvent(EventTypes.Normal, "Issued", $"Issued {next.TokenType} token {next.TokenId} (revision {next.Revision}, {expiry}) into Secret {spec.SecretName}. {issued.Reason}: {issued.Message}"));
        }
        else if (tampered)
        {
            plannedEvents.Add(new PlannedEvent(EventTypes.Warning, "SecretRepaired", $"Secret {spec.SecretName} was changed by someone else; its data, labels and annotations were rewritten from the key's record (token {next.TokenId} kept)"));
        }

        var status = ApplicationKeyStatusBuilder.Build(key, spec, next, null, [Written(desired, own)], context.Now);
        return new KeyPlan(
            write,
            deletes,
            status,
            plannedEvents,
            IssuancePolicy.RenewalTime(next, spec.RenewBeforeSpan),
            issued?.Reason,
            tampered || issued?.Reason is IssuanceReasons.SecretTampered);
    }

    private static (SecretValue AccessToken, TokenRecord Record, IssuanceDecision? Issued) Issue(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, IssuanceInputs inputs, IssuanceDecision decision, KeyPlanContext context)
    {
        var token = context.Mint(inputs);
        var record = new TokenRecord(
            inputs.ConsumerKey,
            inputs.KeyType,
            inputs.TokenType,
            spec.Scopes,
            token.TokenId,
            token.IssuedAt,
            token.ExpiresAt,
            (key.Status?.Revision ?? 0) + 1,
            inputs.Hash(),
            IssuancePolicy.RequestHash(key.Metadata.Annotation(AppKeysAnnotations.Renew)),
            IssuancePolicy.RequestHash(key.Metadata.Annotation(AppKeysAnnotations.Revoke)));
        return (token.AccessToken, record, decision);
    }

    /// <summary>A plan that writes no Secret: the key keeps <paramref name="own"/> as it is (or has none), reports <paramref name="problem"/>.</summary>
    private static KeyPlan Keep(V1Alpha1ApplicationKey key, EffectiveKeySpec spec, V1Secret? own, TokenRecord? held, List<SecretDelete> deletes, NotReady? problem, DateTimeOffset now)
    {
        IReadOnlyList<V1Alpha1WrittenSecret> secrets = own is null ? [] : [Written(own, own)];
        var status = ApplicationKeyStatusBuilder.Build(key, spec, held, problem, secrets, now);
        var warning = WarningEvents.OnTransition(key.Status?.Conditions, problem);
        return new KeyPlan(null, deletes, status, warning is null ? [] : [warning], null, null, false);
    }

    /// <summary>
    /// The key's Secret: one it controls, or one the operator created for it (recorded uid) whose owner reference
    /// someone removed — taken back, never left behind as a live token no key owns.
    /// </summary>
    private static V1Secret? Own(V1Secret? secret, V1Alpha1ApplicationKey key, IEnumerable<V1Alpha1WrittenSecret> written) =>
        secret is not null && (Ownership.IsControlledBy(secret, key) || written.Any(w => w.Name == secret.Metadata.Name && w.Uid is not null && w.Uid == secret.Metadata.Uid))
            ? secret
            : null;

    private static SecretDelete Delete(V1Secret secret, string why) =>
        new(secret.Metadata.Name, secret.Metadata.Uid, secret.Metadata.ResourceVersion, why);

    // The record of the Secret as it will be after the write (uid and resourceVersion are filled in by the shell).
    private static V1Alpha1WrittenSecret Written(V1Secret desired, V1Secret? existing) =>
        new() { Name = desired.Metadata.Name, Uid = existing?.Metadata.Uid, ResourceVersion = existing?.Metadata.ResourceVersion };

    private static bool ConsumerSecretMatches(V1Secret secret, SecretValue current) =>
        secret.Data?.TryGetValue(KeySecretData.ConsumerSecret, out var bytes) == true
        && bytes is { Length: > 0 }
        && SecretComparer.FixedTimeEquals(System.Text.Encoding.UTF8.GetString(bytes), current.Reveal());
}
