using AppKeys.Operator.Apis;
using AppKeys.Runtime.Informers;
using k8s.Models;

namespace AppKeys.Operator.Hosting;

/// <summary>
/// The informer transforms of the operator's caches: <see cref="InformerTransforms.Compact{T}"/> (no managedFields, one
/// instance of each recurring metadata string) plus the recurring strings of each kind's own fields. A key and its
/// Secret repeat the application name, key type, token type, consumer key, issuance hash, condition type, status and
/// reason and the Secret's data keys; pooled, 10,000 keys share them instead of holding 10,000 copies each.
/// </summary>
public static class CacheTransforms
{
    public static V1Secret Secret(V1Secret secret)
    {
        InformerTransforms.Compact(secret);
        var pool = StringPool.Shared;
        secret.Type = pool.Get(secret.Type);
        secret.Data = pool.Keys(secret.Data);
        secret.StringData = pool.Keys(secret.StringData);
        return secret;
    }

    public static V1Alpha1ApplicationKey ApplicationKey(V1Alpha1ApplicationKey key)
    {
        InformerTransforms.Compact(key);
        var pool = StringPool.Shared;
        if (key.Spec is { } spec)
        {
            if (spec.ApplicationRef is { } reference)
            {
                reference.Name = pool.Get(reference.Name)!;
            }

            spec.KeyType = pool.Get(spec.KeyType);
            spec.Scopes = pool.List(spec.Scopes);
        }

        if (key.Status is { } status)
        {
            Conditions(status.Conditions);
            status.ConsumerKey = pool.Get(status.ConsumerKey);
            status.KeyType = pool.Get(status.KeyType);
            status.TokenType = pool.Get(status.TokenType);
            status.Scopes = pool.List(status.Scopes);
            status.IssuanceHash = pool.Get(status.IssuanceHash);
        }

        return key;
    }

    public static V1Alpha1Application Application(V1Alpha1Application app)
    {
        InformerTransforms.Compact(app);
        if (app.Status is { } status)
        {
            Conditions(status.Conditions);
        }

        return app;
    }

    private static void Conditions(IList<V1Condition>? conditions)
    {
        var pool = StringPool.Shared;
        foreach (var condition in conditions ?? [])
        {
            condition.Type = pool.Get(condition.Type)!;
            condition.Status = pool.Get(condition.Status)!;
            condition.Reason = pool.Get(condition.Reason)!;
        }
    }
}
