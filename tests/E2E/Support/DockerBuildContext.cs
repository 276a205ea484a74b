namespace AppKeys.E2E.Tests.Support;

/// <summary>
/// Recreates, in a scratch folder, what a Dockerfile stage sees: the files its COPY instructions take from the
/// build context, minus what .dockerignore excludes. Supports the .dockerignore forms this repository uses
/// (<c>**/name/</c>, <c>name/</c>, <c>*.ext</c>) and rejects any other, so a new pattern cannot be silently ignored.
/// </summary>
internal sealed class DockerBuildContext
{
    private readonly string _contextRoot;
    private readonly List<string> _anyDepthDirs = [];
    private readonly List<string> _topDirs = [];
    private readonly List<string> _topExtensions = [];

    public DockerBuildContext(string contextRoot, string dockerignore)
    {
        _contextRoot = contextRoot;
        foreach (var line in dockerignore.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            if (line.StartsWith("**/", StringComparison.Ordinal) && line.EndsWith('/') && !line[3..^1].Contains('/', StringComparison.Ordinal))
            {
                _anyDepthDirs.Add(line[3..^1]);
            }
            else if (line.EndsWith('/') && !line[..^1].Contains('/', StringComparison.Ordinal) && !line.Contains('*', StringComparison.Ordinal))
            {
                _topDirs.Add(line[..^1]);
            }
            else if (line.StartsWith("*.", StringComparison.Ordinal) && !line[1..].Contains('*', StringComparison.Ordinal))
            {
                _topExtensions.Add(line[1..]);
            }
            else
            {
                throw new NotSupportedException($".dockerignore pattern '{line}' is not understood by {nameof(DockerBuildContext)}: extend it");
            }
        }
    }

    public bool IsIgnored(string relativePath)
    {
        var segments = relativePath.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            return false;
        }

        if (_topDirs.Contains(segments[0]) && segments.Length > 1)
        {
            return true;
        }

        if (segments.Length == 1 && _topExtensions.Any(ext => segments[0].EndsWith(ext, StringComparison.Ordinal)))
        {
            return true;
        }

        return segments[..^1].Any(_anyDepthDirs.Contains);
    }

    /// <summary>Applies <c>COPY src... dest</c> (context sources only) into <paramref name="target"/>, the stage's WORKDIR.</summary>
    public void Copy(string arguments, string target)
    {
        var parts = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p.StartsWith("--", StringComparison.Ordinal)))
        {
            throw new NotSupportedException($"COPY flags are not simulated: COPY {arguments}");
        }

        var destination = Path.GetFullPath(Path.Combine(target, parts[^1] == "./" ? "." : parts[^1]));
        foreach (var source in parts[..^1])
        {
            var from = Path.Combine(_contextRoot, source);
            if (Directory.Exists(from))
            {
                CopyDirectory(source.TrimEnd('/'), destination);
            }
            else if (File.Exists(from) && !IsIgnored(source))
            {
                var file = parts.Length > 2 || parts[^1].EndsWith('/') ? Path.Combine(destination, Path.GetFileName(source)) : destination;
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.Copy(from, file, overwrite: true);
            }
            else
            {
                throw new FileNotFoundException($"COPY source '{source}' is not in the build context (or is .dockerignored)");
            }
        }
    }

    private void CopyDirectory(string relativeDir, string destination)
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(_contextRoot, relativeDir), "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(_contextRoot, file);
            if (IsIgnored(relative))
            {
                continue;
            }

            var to = Path.Combine(destination, Path.GetRelativePath(Path.Combine(_contextRoot, relativeDir), file));
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            File.Copy(file, to, overwrite: true);
        }
    }
}
