using AppKeys.Operator.Controllers;

namespace AppKeys.Operator.Signing;

/// <summary>
/// (key set, what each key signed, now, settings) → desired key set, events, requeue. Pure apart from
/// <see cref="SigningKeyPlanInput.Generate"/>: the same input gives the same plan. Rules (README "Signing keys"):
/// <list type="bullet">
/// <item>a next key is always published (created right after each rotation), and signs once the rotation is due and it
/// has been in the published JWKS for <c>Prepublish</c>;</item>
/// <item>a retired key stays published until every token it signed is past <c>exp</c> + clock skew + JWKS cache lifetime,
/// counting the token endpoint's longest grant from its retirement; tokens that never expire (or outlive the overlap)
/// are re-minted instead, and the key stays for the overlap after the last re-mint;</item>
/// <item><c>appkeys.io/rotate</c> and an algorithm change start a rotation with the same windows;
/// <c>appkeys.io/revoke-signing-key</c> unpublishes a key at once.</item>
/// </list>
/// </summary>
public static class SigningKeyPlanner
{
    /// <summary>The plan looks again at least this often.</summary>
    public static readonly TimeSpan MaxRequeue = TimeSpan.FromHours(1);

    public static SigningKeyPlan Plan(SigningKeyPlanInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var s = input.Settings;
        var now = input.Now;
        var events = new List<SigningKeyEvent>();
        var set = input.Held ?? SigningKeySet.Empty;
        var keys = set.Keys.ToList();

        if (input.Held is null || set.Current is null)
        {
            BootstrapCurrent(input, keys, events);
        }

        set = set with { Keys = keys };
        set = Revoke(input, set, keys, events);
        set = RequestRotation(input, set, events);

        // A next key of the wrong algorithm (the flag changed) never signed anything: drop it, a right one follows.
        if (set.Next is { } wrongNext && wrongNext.Algorithm != s.Algorithm)
        {
            keys.Remove(wrongNext);
            events.Add(new(false, SigningKeyEvents.Discarded, $"Next signing key {wrongNext.KeyId} ({wrongNext.Algorithm}) discarded: the signing algorithm is now {s.Algorithm}"));
            set = set with { Keys = keys };
        }

        var current = set.Current!;
        var due = Due(set, s);
        if (set.Next is { } promote && now >= due && now >= promote.CreatedAt + s.Prepublish && input.PublishedKeyIds.Contains(promote.KeyId))
        {
            keys[keys.IndexOf(current)] = current with { State = SigningKeyState.Retired, RetiredAt = now };
            keys[keys.IndexOf(promote)] = promote with { State = SigningKeyState.Current, ActivatedAt = now };
            events.Add(new(false, SigningKeyEvents.Rotated, $"Signing key {promote.KeyId} ({promote.Algorithm}) now signs; {current.KeyId} retired"));
            set = set with { Keys = keys, RotationRequested = false };
        }

        // A next key is always published (as SPIRE does, but for a whole period): a rotation, and an emergency revocation of
        // the current key, hand over to a key verifiers have had for longer than their JWKS refresh.
        if (set.Next is null)
        {
            var kid = input.Generate(s.Algorithm);
            keys.Add(new SigningKeyEntry(kid, s.Algorithm, SigningKeyState.Next, now));
            events.Add(new(false, SigningKeyEvents.Published, $"Signing key {kid} ({s.Algorithm}) published as next; it signs from {Rfc3339.ToString(Max(Due(set, s), now + s.Prepublish))} at the earliest"));
            set = set with { Keys = keys };
        }

        RetireAndRemove(input, keys, events);
        set = set with { Keys = [.. keys.OrderBy(k => k.CreatedAt).ThenBy(k => k.KeyId, StringComparer.Ordinal)] };
        return new SigningKeyPlan(set, events, Requeue(input, set));
    }

    /// <summary>When the current key's rotation is due: its period elapsed, or now when asked for or of the wrong algorithm.</summary>
    public static DateTimeOffset Due(SigningKeySet set, SigningKeySettings settings)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(settings);
        var current = set.Current ?? throw new InvalidOperationException("The key set has no current key.");
        var scheduled = (current.ActivatedAt ?? current.CreatedAt) + settings.RotationPeriod;
        return set.RotationRequested || current.Algorithm != settings.Algorithm ? DateTimeOffset.MinValue + settings.Prepublish : scheduled;
    }

    private static void BootstrapCurrent(SigningKeyPlanInput input, List<SigningKeyEntry> keys, List<SigningKeyEvent> events)
    {
        var now = input.Now;

        // A published next key of the right algorithm is the best replacement: verifiers may know it already.
        if (keys.FirstOrDefault(k => k.State == SigningKeyState.Next && k.Algorithm == input.Settings.Algorithm) is { } next)
        {
            keys[keys.IndexOf(next)] = next with { State = SigningKeyState.Current, ActivatedAt = now };
            events.Add(new(true, SigningKeyEvents.Rotated, $"No current signing key: next key {next.KeyId} signs now"));
        }
        else
        {
            var kid = input.Generate(input.Settings.Algorithm);
            keys.Add(new SigningKeyEntry(kid, input.Settings.Algorithm, SigningKeyState.Current, now, ActivatedAt: now));
            events.Add(new(input.Held is not null, SigningKeyEvents.Created, $"Signing key {kid} ({input.Settings.Algorithm}) created; it signs now"));
        }

        var known = keys.Select(k => k.KeyId).ToHashSet(StringComparer.Ordinal);
        var lost = input.Tokens.Where(t => !known.Contains(t.KeyId)).ToList();
        if (lost.Count > 0)
        {
            var kids = string.Join(", ", lost.Select(t => t.KeyId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(5));
            events.Add(new(true, SigningKeyEvents.Lost, $"{lost.Count} live tokens were signed by signing keys that are gone ({kids}); they are re-minted with the new key (reason {SigningKeyEvents.Lost})"));
        }
    }

    private static SigningKeySet Revoke(SigningKeyPlanInput input, SigningKeySet set, List<SigningKeyEntry> keys, List<SigningKeyEvent> events)
    {
        if (string.IsNullOrEmpty(input.RevokeRequest))
        {
            return set;
        }

        var hash = Hashes.Of(input.RevokeRequest);
        if (Hashes.Equal(hash, set.ObservedRevokeRequest))
        {
            return set;
        }

        var now = input.Now;
        var target = set.Find(input.RevokeRequest.Trim());
        if (target is null || target.State == SigningKeyState.Revoked)
        {
            events.Add(new(true, SigningKeyEvents.RevokeIgnored, $"appkeys.io/revoke-signing-key names no published signing key ({input.RevokeRequest.Trim()}); nothing revoked"));
            return set with { ObservedRevokeRequest = hash };
        }

        keys[keys.IndexOf(target)] = target with
        {
            State = SigningKeyState.Revoked,
            RetiredAt = now,
            KeepUntil = now + input.Settings.NeverExpiringOverlap,
            RemintPending = false,
        };
        events.Add(new(true, SigningKeyEvents.Revoked, $"Signing key {target.KeyId} revoked: removed from the JWKS; every token it signed is re-minted now"));
        if (target.State == SigningKeyState.Current)
        {
            // Emergency: no pre-publish window. A next key (already published for a while) is the least disruptive successor.
            BootstrapCurrent(input with { Tokens = [] }, keys, events);
        }

        return set with { Keys = keys, ObservedRevokeRequest = hash };
    }

    private static SigningKeySet RequestRotation(SigningKeyPlanInput input, SigningKeySet set, List<SigningKeyEvent> events)
    {
        if (string.IsNullOrEmpty(input.RotateRequest))
        {
            return set;
        }

        var hash = Hashes.Of(input.RotateRequest);
        if (Hashes.Equal(hash, set.ObservedRotateRequest))
        {
            return set;
        }

        events.Add(new(false, SigningKeyEvents.RotationRequested, "Rotation requested with appkeys.io/rotate: the next key signs once it has been published for the pre-publish window"));
        return set with { ObservedRotateRequest = hash, RotationRequested = true };
    }

    private static void RetireAndRemove(SigningKeyPlanInput input, List<SigningKeyEntry> keys, List<SigningKeyEvent> events)
    {
        var s = input.Settings;
        var now = input.Now;
        var byKey = input.Tokens.ToLookup(t => t.KeyId, StringComparer.Ordinal);
        foreach (var key in keys.ToList())
        {
            if (key.State == SigningKeyState.Retired)
            {
                var retiredAt = key.RetiredAt ?? now;
                var tail = s.ClockSkew + s.JwksCacheLifetime;
                var keep = Max(key.KeepUntil ?? DateTimeOffset.MinValue, retiredAt + input.EndpointTokenLifetime + tail);
                var pending = false;
                foreach (var token in byKey[key.KeyId])
                {
                    if (s.MustRemint(retiredAt, token.ExpiresAt))
                    {
                        pending = true;
                    }
                    else
                    {
                        keep = Max(keep, token.ExpiresAt!.Value + tail);
                    }
                }

                // The overlap runs from the last re-mint (the pass that sees none left); while tokens wait, removal is blocked.
                if (!pending && key.RemintPending)
                {
                    keep = Max(keep, now + s.NeverExpiringOverlap);
                }

                var updated = key with { RetiredAt = retiredAt, KeepUntil = keep, RemintPending = pending };
                if (!pending && now >= keep)
                {
                    keys.Remove(key);
                    events.Add(new(false, SigningKeyEvents.Removed, $"Retired signing key {key.KeyId} removed from the JWKS: every token it signed has expired or was re-minted"));
                }
                else
                {
                    keys[keys.IndexOf(key)] = updated;
                }
            }
            else if (key.State == SigningKeyState.Revoked && now >= (key.KeepUntil ?? now) && !byKey[key.KeyId].Any())
            {
                keys.Remove(key);
            }
        }
    }

    private static TimeSpan Requeue(SigningKeyPlanInput input, SigningKeySet set)
    {
        var s = input.Settings;
        var now = input.Now;
        var times = new List<DateTimeOffset>();
        var due = Due(set, s);
        if (set.Next is { } next)
        {
            times.Add(Max(due, next.CreatedAt + s.Prepublish));
        }
        else
        {
            times.Add(due - s.Prepublish);
        }

        times.AddRange(set.Keys.Where(k => k.State is SigningKeyState.Retired or SigningKeyState.Revoked && k.KeepUntil is not null).Select(k => k.KeepUntil!.Value));
        var wait = times.Min() - now;
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait > MaxRequeue ? MaxRequeue : wait + TimeSpan.FromMilliseconds(10);
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
