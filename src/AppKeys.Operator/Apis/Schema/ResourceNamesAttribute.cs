namespace AppKeys.Operator.Apis.Schema;

/// <summary>Short names and categories of a custom resource, for <c>kubectl get &lt;short&gt;</c> and <c>kubectl get &lt;category&gt;</c>.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ResourceNamesAttribute : Attribute
{
    public string[] ShortNames { get; set; } = [];

    public string[] Categories { get; set; } = [];
}
