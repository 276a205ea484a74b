namespace AppKeys.Testing;

/// <summary>The repository checkout the tests were built from: the nearest folder above the test's output holding Operator.sln.</summary>
public static class RepositoryRoot
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>The build configuration (Debug/Release) of the running test assembly, to find sibling outputs.</summary>
    public static string Configuration =>
        new DirectoryInfo(System.IO.Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;

    /// <summary>The output folder of a project of the solution, built in the same configuration as the tests.</summary>
    public static string OutputOf(params string[] projectFolder) => Combine([.. projectFolder, "bin", Configuration, "net10.0"]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Operator.sln not found above {AppContext.BaseDirectory}");
    }
}
