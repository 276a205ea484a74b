namespace AppKeys.LocalApiServer.Tests.Support;

/// <summary>Files of the repository checkout the tests were built from (the directory holding Operator.sln).</summary>
internal static class RepositoryFiles
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"Operator.sln not found above {AppContext.BaseDirectory}");
    });

    public static string Combine(params string[] parts) => Path.Combine([Root.Value, .. parts]);
}
