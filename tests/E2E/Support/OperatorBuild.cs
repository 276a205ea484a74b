namespace AppKeys.E2E.Tests.Support;

/// <summary>Which build of appkeys-operator a test runs as a separate process.</summary>
public enum OperatorBuild
{
    /// <summary><c>dotnet appkeys-operator.dll</c> from the solution build (what <c>make run</c> and debugging use).</summary>
    Jit,

    /// <summary>The Native AOT executable of <c>make publish</c> (what the image ships).</summary>
    Native,
}
