using System.Diagnostics.CodeAnalysis;
using AppKeys.Credentials;
using AppKeys.Operator.Hosting;

namespace AppKeys.Operator.Signing;

/// <summary>
/// The signing keys this replica holds, read by everything that signs or publishes (token issuance, the token endpoint,
/// the HTTP JWKS). Every replica follows the signing Secret through the informer (<see cref="Follow"/>); the leader's
/// <see cref="SigningKeyReconciler"/> owns the key set and installs what it wrote (<see cref="Hold"/>), so an edited or
/// deleted Secret never changes what the leader holds. A key signs only once the JWKS ConfigMap publishes it
/// (<see cref="ObservePublished"/>): a key is Ready only if its token verifies against the published JWKS.
/// Never blocks: <see cref="TryGetCurrent"/> answers at once.
/// </summary>
public sealed class SigningKeyStore(OperatorOptions options, TimeProvider time) : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, SigningKeyMaterial> materials = new(StringComparer.Ordinal);
    private volatile Snapshot? snapshot;
    private IReadOnlySet<string> published = new HashSet<string>(StringComparer.Ordinal);
    private bool writer;
    private SigningKeySet? written;

    /// <summary>Schedule and windows from the options.</summary>
    public SigningKeySettings Settings { get; } = options.ToSigningKeySettings();

    /// <summary>True once a current key is held and published (readiness depends on it).</summary>
    public bool IsLoaded => TryGetCurrent(out _);

    /// <summary>The key set held, or null.</summary>
    public SigningKeySet? Held => snapshot?.Set;

    /// <summary>The JWKS of the held keys (current first), or null when none are held.</summary>
    public string? Jwks => snapshot?.Jwks;

    /// <summary>For the issuance policy: null until keys are held.</summary>
    public SigningKeyView? View => snapshot?.View;

    /// <summary>The kids the JWKS ConfigMap publishes, as last seen.</summary>
    public IReadOnlySet<string> PublishedKeyIds => Volatile.Read(ref published);

    /// <summary>The key that signs new tokens, if it is held and published; never waits.</summary>
    public bool TryGetCurrent([NotNullWhen(true)] out SigningKeyMaterial? key)
    {
        var s = snapshot;
        key = s is not null && s.Current is { } c && PublishedKeyIds.Contains(c.KeyId) ? c : null;
        return key is not null;
    }

    /// <summary>The public (and private) key of <paramref name="keyId"/> if it is published (e.g. to verify a token); revoked and unknown keys give null.</summary>
    public SigningKeyMaterial? FindPublished(string keyId)
    {
        var s = snapshot;
        return s?.Set.Find(keyId) is { IsPublished: true } && s.Materials.TryGetValue(keyId, out var key) ? key : null;
    }

    /// <summary>Every private key held or generated, by kid (the reconciler writes the Secret from these).</summary>
    public IReadOnlyDictionary<string, SigningKeyMaterial> Materials
    {
        get
        {
            lock (gate)
            {
                return new Dictionary<string, SigningKeyMaterial>(materials, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Whether this replica writes the key set (its leader reconciler has run).</summary>
    public bool IsWriter
    {
        get
        {
            lock (gate)
            {
                return writer;
            }
        }
    }

    /// <summary>Adds a freshly generated key (the planner's <c>Generate</c>) and returns its kid.</summary>
    public string Generate(SigningKeyAlgorithm algorithm)
    {
        var key = SigningKeyMaterial.Generate(algorithm, time);
        lock (gate)
        {
            materials[key.KeyId] = key;
        }

        return key.KeyId;
    }

    /// <summary>The leader installs the key set it wrote (or holds): from now on the Secret is an output.</summary>
    public void Hold(SigningKeySet set, IReadOnlyDictionary<string, SigningKeyMaterial>? loaded = null)
    {
        ArgumentNullException.ThrowIfNull(set);
        lock (gate)
        {
            writer = true;
            Install(set, loaded);
        }
    }

    /// <summary>
    /// The leader's record that <paramref name="set"/> is what the signing Secret holds: read from it, or written and
    /// answered. A held set that is not (its write failed, or its answer was lost) is the operator's own pending
    /// change, so a Secret that differs from it was not edited by someone else.
    /// </summary>
    public void MarkWritten(SigningKeySet set)
    {
        lock (gate)
        {
            written = set;
        }
    }

    /// <summary>Whether <paramref name="set"/> is what the leader last read from or wrote to the signing Secret.</summary>
    public bool IsWritten(SigningKeySet set)
    {
        lock (gate)
        {
            return written is not null && written.Equivalent(set);
        }
    }

    /// <summary>A replica that does not write follows the Secret: a readable key set replaces the held one; anything else is ignored.</summary>
    public bool Follow(SigningKeySecret.Contents? contents)
    {
        lock (gate)
        {
            if (writer || contents is null)
            {
                return false;
            }

            Install(contents.Set, contents.Materials);
            return true;
        }
    }

    /// <summary>The kids the JWKS ConfigMap publishes now (from its informer, or after the leader wrote it).</summary>
    public void ObservePublished(IReadOnlySet<string> keyIds) => Volatile.Write(ref published, keyIds);

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var key in materials.Values)
            {
                key.Dispose();
            }

            materials.Clear();
            snapshot = null;
        }
    }

    private void Install(SigningKeySet set, IReadOnlyDictionary<string, SigningKeyMaterial>? loaded)
    {
        foreach (var (kid, key) in loaded ?? new Dictionary<string, SigningKeyMaterial>())
        {
            if (!materials.TryAdd(kid, key) && !ReferenceEquals(materials[kid], key))
            {
                key.Dispose();
            }
        }

        // Keys that left the set are not disposed: a token may be being signed with one right now; a rotation leaves one
        // small object per period to the finalizer.
        var held = set.Keys.Where(k => materials.ContainsKey(k.KeyId)).ToDictionary(k => k.KeyId, k => materials[k.KeyId], StringComparer.Ordinal);
        var publishedKeys = set.Published.Where(k => held.ContainsKey(k.KeyId)).Select(k => held[k.KeyId]).ToList();
        var current = set.Current is { } c && held.TryGetValue(c.KeyId, out var currentKey) ? currentKey : null;
        snapshot = new Snapshot(set, held, current, JwksDocument.Build(publishedKeys), new SigningKeyView(set, Settings));
    }

    private sealed record Snapshot(
        SigningKeySet Set,
        IReadOnlyDictionary<string, SigningKeyMaterial> Materials,
        SigningKeyMaterial? Current,
        string Jwks,
        SigningKeyView View);
}
