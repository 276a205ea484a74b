using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using AppKeys.Runtime;
using AppKeys.Runtime.Client;
using k8s;
using k8s.Models;

namespace AppKeys.Operator.Tests.Reconcilers;

/// <summary>One API call a reconcile made, as kube would see it (verb, object, preconditions), for exact assertions.</summary>
internal sealed record ApiAction(string Verb, string Resource, string Name, string? ResourceVersion = null, string? Uid = null)
{
    public override string ToString() =>
        $"{Verb} {Resource}/{Name}{(ResourceVersion is null ? "" : $" rv={ResourceVersion}")}{(Uid is null ? "" : $" uid={Uid}")}";
}

/// <summary>
/// An in-memory <see cref="IResourceClient{T}"/> with kube's write semantics (uids, resourceVersions, optimistic
/// concurrency on updates, DELETE preconditions, status through its own verb) that records every call: the
/// reconciler tests assert the exact API actions of a reconcile, as cert-manager's context builder does.
/// </summary>
internal sealed class FakeResourceClient<T>(Func<int> nextVersion, List<ApiAction> actions) : IResourceClient<T>
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Dictionary<string, T> objects = new(StringComparer.Ordinal);
    private (string Verb, string Name, bool Applied)? fault;
    private int uids;

    public ResourceInfo Resource { get; } = ResourceInfo.For<T>();

    public IReadOnlyCollection<T> Objects => objects.Values;

    /// <summary>Puts an object in place as if someone else had written it (not recorded as an action).</summary>
    public T Seed(T obj)
    {
        var copy = KubernetesObjects.Clone(obj);
        copy.Metadata.Uid ??= $"{Resource.Plural}-uid-{++uids}";
        copy.Metadata.ResourceVersion = nextVersion().ToString(CultureInfo.InvariantCulture);
        objects[Key(copy.Metadata.NamespaceProperty, copy.Metadata.Name)] = copy;
        return KubernetesObjects.Clone(copy);
    }

    /// <summary>
    /// The next <paramref name="verb"/> ("create", "update") of <paramref name="name"/> answers 500: without applying
    /// it, or (<paramref name="applied"/>) after applying it, as a write whose answer was lost.
    /// </summary>
    public void FailNext(string verb, string name, bool applied) => fault = (verb, name, applied);

    public T? Peek(string name, string? @namespace) =>
        objects.TryGetValue(Key(@namespace, name), out var found) ? KubernetesObjects.Clone(found) : null;

    public Task<T?> GetAsync(string name, string? @namespace, CancellationToken cancellationToken = default)
    {
        actions.Add(new ApiAction("get", Resource.Plural, name));
        ThrowIfForbidden();
        return Task.FromResult(Peek(name, @namespace));
    }

    public Task<ResourceList<T>> ListAsync(string? @namespace, ListOptions? options = null, CancellationToken cancellationToken = default)
    {
        var name = options?.FieldSelector is { } selector && selector.StartsWith("metadata.name=", StringComparison.Ordinal) ? selector["metadata.name=".Length..] : null;
        actions.Add(new ApiAction("list", Resource.Plural, name ?? "*"));
        IReadOnlyList<T> items = [.. objects.Values.Where(o => (@namespace is null || o.Metadata.NamespaceProperty == @namespace) && (name is null || o.Metadata.Name == name)).Select(KubernetesObjects.Clone)];
        return Task.FromResult(new ResourceList<T>(items, nextVersion().ToString(CultureInfo.InvariantCulture), null));
    }

    public Task<T> CreateAsync(T obj, CancellationToken cancellationToken = default)
    {
        actions.Add(new ApiAction("create", Resource.Plural, obj.Metadata.Name));
        var failure = Fault("create", obj.Metadata.Name);
        if (failure is { Applied: false })
        {
            throw failure.Value.Error;
        }

        if (objects.ContainsKey(Key(obj.Metadata.NamespaceProperty, obj.Metadata.Name)))
        {
            throw new KubernetesApiException(HttpStatusCode.Conflict, new V1Status { Reason = "AlreadyExists" }, "already exists");
        }

        var copy = KubernetesObjects.Clone(obj);
        copy.Metadata.Uid = $"{Resource.Plural}-uid-{++uids}";
        var created = Store(copy);
        return failure is { } lost ? throw lost.Error : Task.FromResult(created);
    }

    public Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken = default)
    {
        actions.Add(new ApiAction("update", Resource.Plural, obj.Metadata.Name, obj.Metadata.ResourceVersion));
        var failure = Fault("update", obj.Metadata.Name);
        if (failure is { Applied: false })
        {
            throw failure.Value.Error;
        }

        var current = Current(obj);
        var copy = KubernetesObjects.Clone(obj);
        copy.Metadata.Uid = current.Metadata.Uid;
        var updated = Store(copy);
        return failure is { } lost ? throw lost.Error : Task.FromResult(updated);
    }

    public Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken = default)
    {
        actions.Add(new ApiAction("update", Resource.Plural + "/status", obj.Metadata.Name, obj.Metadata.ResourceVersion));
        var copy = KubernetesObjects.Clone(Current(obj));
        typeof(T).GetProperty("Status")!.SetValue(copy, typeof(T).GetProperty("Status")!.GetValue(KubernetesObjects.Clone(obj)));
        return Task.FromResult(Store(copy));
    }

    public Task<bool> DeleteAsync(string name, string? @namespace, V1DeleteOptions? options = null, CancellationToken cancellationToken = default)
    {
        actions.Add(new ApiAction("delete", Resource.Plural, name, options?.Preconditions?.ResourceVersion, options?.Preconditions?.Uid));
        if (!objects.TryGetValue(Key(@namespace, name), out var current))
        {
            return Task.FromResult(false);
        }

        if ((options?.Preconditions?.Uid is { } uid && uid != current.Metadata.Uid)
            || (options?.Preconditions?.ResourceVersion is { } rv && rv != current.Metadata.ResourceVersion))
        {
            throw new KubernetesApiException(HttpStatusCode.Conflict, null, "Precondition failed");
        }

        objects.Remove(Key(@namespace, name));
        return Task.FromResult(true);
    }

    /// <summary>Every request answers 403, as when the operator lacks the RBAC for this kind.</summary>
    public bool Forbidden { get; set; }

    /// <summary>
    /// A JSON merge of the patch into the object (enough for the pod-template annotation the rollout restart sets;
    /// strategic merge differs only for lists). Bumps the resourceVersion.
    /// </summary>
    public Task<T> PatchAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(patch);
        actions.Add(new ApiAction("patch", Resource.Plural, name));
        ThrowIfForbidden();
        if (!objects.TryGetValue(Key(@namespace, name), out var current))
        {
            throw new KubernetesApiException(HttpStatusCode.NotFound, null, "not found");
        }

        var node = JsonNode.Parse(KubernetesJson.Serialize(current))!.AsObject();
        Merge(node, JsonNode.Parse((string)patch.Content)!.AsObject());
        var patched = KubernetesJson.Deserialize<T>(node.ToJsonString());
        patched.Metadata.ResourceVersion = nextVersion().ToString(CultureInfo.InvariantCulture);
        objects[Key(@namespace, name)] = patched;
        return Task.FromResult(KubernetesObjects.Clone(patched));
    }

    private static void Merge(JsonObject target, JsonObject patch)
    {
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject child && target[key] is JsonObject existing)
            {
                Merge(existing, child);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }

    private void ThrowIfForbidden()
    {
        if (Forbidden)
        {
            throw new KubernetesApiException(HttpStatusCode.Forbidden, new V1Status { Reason = "Forbidden", Code = 403 }, $"{Resource.Plural} is forbidden");
        }
    }

    public Task<T> PatchStatusAsync(string name, string? @namespace, ResourcePatch patch, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("the reconcilers do not patch");

    public async IAsyncEnumerable<ResourceWatchEvent<T>> WatchAsync(string? @namespace, ListOptions options, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.CompletedTask;
        yield break;
    }

    private (bool Applied, KubernetesApiException Error)? Fault(string verb, string name)
    {
        if (fault is not { } f || f.Verb != verb || f.Name != name)
        {
            return null;
        }

        fault = null;
        return (f.Applied, new KubernetesApiException(HttpStatusCode.InternalServerError, new V1Status { Reason = "InternalError" }, "injected"));
    }

    private T Current(T obj)
    {
        if (!objects.TryGetValue(Key(obj.Metadata.NamespaceProperty, obj.Metadata.Name), out var current))
        {
            throw new KubernetesApiException(HttpStatusCode.NotFound, null, "not found");
        }

        if (obj.Metadata.ResourceVersion != current.Metadata.ResourceVersion)
        {
            throw new KubernetesApiException(HttpStatusCode.Conflict, null, "the object has been modified");
        }

        return current;
    }

    private T Store(T copy)
    {
        copy.Metadata.ResourceVersion = nextVersion().ToString(CultureInfo.InvariantCulture);
        objects[Key(copy.Metadata.NamespaceProperty, copy.Metadata.Name)] = copy;
        return KubernetesObjects.Clone(copy);
    }

    private static string Key(string? @namespace, string name) => $"{@namespace}/{name}";
}
