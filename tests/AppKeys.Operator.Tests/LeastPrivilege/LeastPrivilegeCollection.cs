namespace AppKeys.Operator.Tests.LeastPrivilege;

/// <summary>The least-privilege runs start one API server and operator each; they run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class LeastPrivilegeCollection
{
    public const string Name = "least-privilege";
}
