using System.Text.Json.Nodes;

namespace AppKeys.LocalApiServer.Model;

/// <summary>
/// Everything the server knows about one served resource (a built-in kind or one version of a CRD):
/// discovery, OpenAPI, tables, validation and routing are all derived from it.
/// </summary>
public sealed record ApiResourceInfo
{
    /// <summary>API group; empty for the core group.</summary>
    public required string Group { get; init; }
    public required string Version { get; init; }
    public required string Kind { get; init; }
    public required string ListKind { get; init; }
    /// <summary>Lower-case plural used in URLs, e.g. <c>applicationkeys</c>.</summary>
    public required string Plural { get; init; }
    public required string Singular { get; init; }
    public required bool Namespaced { get; init; }
    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Verbs { get; init; } =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    /// <summary>True when the resource has a <c>/status</c> subresource.</summary>
    public bool HasStatusSubresource { get; init; }
    /// <summary>CRD <c>additionalPrinterColumns</c>; empty for built-ins (they use fixed column sets).</summary>
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];
    /// <summary>The version's <c>openAPIV3Schema</c> for custom resources; null for built-ins.</summary>
    public JsonObject? Schema { get; init; }
    /// <summary>Extra field-selector paths (CRD <c>selectableFields</c>, or built-in ones such as Secret <c>type</c>).</summary>
    public IReadOnlyList<string> SelectableFields { get; init; } = [];
    /// <summary>True for custom resources (served from a CRD).</summary>
    public bool IsCustom { get; init; }

    public string GroupVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>plural</c> for core, <c>plural.group</c> otherwise (the form used in error messages).</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>One CRD <c>additionalPrinterColumns</c> entry.</summary>
public sealed record PrinterColumn(string Name, string Type, string? Format, string? Description, int Priority, string JsonPath);
