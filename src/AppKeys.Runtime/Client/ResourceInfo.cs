using System.Collections.Concurrent;
using System.Reflection;
using k8s.Models;

namespace AppKeys.Runtime.Client;

/// <summary>
/// Where a kind lives in the Kubernetes API: group, version, plural and scope. Read from the
/// <see cref="KubernetesEntityAttribute"/> of a C# type (built-ins and custom resources alike).
/// </summary>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Version">API version, e.g. <c>v1</c> or <c>v1alpha1</c>.</param>
/// <param name="Kind">Kind, e.g. <c>Secret</c>.</param>
/// <param name="Plural">Resource (plural) name, e.g. <c>secrets</c>.</param>
/// <param name="Namespaced">Whether objects live in namespaces.</param>
public sealed record ResourceInfo(string Group, string Version, string Kind, string Plural, bool Namespaced)
{
    // Built-in kinds that are cluster-scoped; custom resources declare it with [ClusterScoped].
    private static readonly HashSet<string> ClusterScopedBuiltIns = new(StringComparer.Ordinal)
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
        "StorageClass", "PriorityClass", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "APIService", "CertificateSigningRequest", "IngressClass", "RuntimeClass", "CSIDriver", "CSINode",
        "VolumeAttachment", "FlowSchema", "PriorityLevelConfiguration",
    };

    private static readonly ConcurrentDictionary<Type, ResourceInfo> Cache = new();

    /// <summary>The <c>apiVersion</c> field value: <c>v1</c> or <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Display name such as <c>secrets</c> or <c>applications.appkeys.example.com</c>.</summary>
    public string DisplayName => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Resource info for <typeparamref name="T"/>.</summary>
    public static ResourceInfo For<T>() => For(typeof(T));

    /// <summary>Resource info for <paramref name="type"/>, which must carry <see cref="KubernetesEntityAttribute"/>.</summary>
    /// <exception cref="ArgumentException">The type has no (complete) <see cref="KubernetesEntityAttribute"/>.</exception>
    public static ResourceInfo For(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Cache.GetOrAdd(type, static t =>
        {
            var attribute = t.GetCustomAttribute<KubernetesEntityAttribute>()
                ?? throw new ArgumentException($"{t.Name} has no [KubernetesEntity] attribute.", nameof(type));
            if (string.IsNullOrEmpty(attribute.ApiVersion) || string.IsNullOrEmpty(attribute.Kind) ||
                string.IsNullOrEmpty(attribute.PluralName))
            {
                throw new ArgumentException($"[KubernetesEntity] on {t.Name} must set ApiVersion, Kind and PluralName.", nameof(type));
            }

            var clusterScoped = t.GetCustomAttribute<ClusterScopedAttribute>() is not null ||
                (string.IsNullOrEmpty(attribute.Group) && ClusterScopedBuiltIns.Contains(attribute.Kind)) ||
                (!string.IsNullOrEmpty(attribute.Group) && attribute.Group.EndsWith(".k8s.io", StringComparison.Ordinal) &&
                    ClusterScopedBuiltIns.Contains(attribute.Kind));
            return new ResourceInfo(attribute.Group ?? string.Empty, attribute.ApiVersion, attribute.Kind,
                attribute.PluralName, !clusterScoped);
        });
    }

    /// <summary>Relative path of the collection, in one namespace or (null) across all namespaces.</summary>
    public string CollectionPath(string? @namespace)
    {
        var root = Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}";
        return Namespaced && !string.IsNullOrEmpty(@namespace)
            ? $"{root}/namespaces/{Uri.EscapeDataString(@namespace)}/{Plural}"
            : $"{root}/{Plural}";
    }

    /// <summary>Relative path of one object.</summary>
    public string ObjectPath(string? @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (Namespaced && string.IsNullOrEmpty(@namespace))
        {
            throw new ArgumentException($"{DisplayName} is namespaced: a namespace is required.", nameof(@namespace));
        }

        return $"{CollectionPath(@namespace)}/{Uri.EscapeDataString(name)}";
    }
}
