namespace AppKeys.LocalApiServer.Admission;

/// <summary>Which name format a kind requires.</summary>
public enum NameRule
{
    Dns1123Subdomain,
    Dns1123Label,
    Dns1035Label,

    /// <summary>RBAC objects: anything but '/', '%', '.' and '..' (e.g. <c>system:controller:x</c>).</summary>
    PathSegment,
}
