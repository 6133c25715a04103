// Where the response cache lives: one per user, whatever folder a run starts from or writes to.
import Foundation

/// The response cache's place. Every run of a user reads and writes the same cache, so an
/// answer paid for once is never paid for again, whether the next run starts in another folder
/// or writes its results elsewhere (`--out`). A run's journal stays in its own folder.
///
/// The first of these that is given wins:
/// 1. `--no-cache`: none (nothing is read from or written to a cache);
/// 2. the study's `cache:` (a path relative to the study's folder);
/// 3. `$JUDGELAB_CACHE`;
/// 4. the platform's user cache folder: `$XDG_CACHE_HOME/judgelab/`, else `~/.cache/judgelab/`
///    (`~/Library/Caches/judgelab/` on macOS).
///
/// A path that names a folder (an existing one, or one written with a trailing `/`) holds the
/// cache as `responses.sqlite`. Several runs may share the cache at once (SQLite, WAL).
public enum ResponseCache {
    public static let variable = "JUDGELAB_CACHE"
    public static let fileName = "responses.sqlite"
    /// The store's name for "no cache": an in-memory database that lives as long as the run.
    public static let none = ":memory:"

    /// The cache of a run of `study` (nil: no study's own setting) in `environment`; nil when
    /// the environment names no place for it (no $JUDGELAB_CACHE, $XDG_CACHE_HOME or $HOME).
    public static func path(study: Study?, environment: [String: String]) -> String? {
        if let own = study?.cachePath { return file(study!.resolve(own)) }
        if let given = environment[variable], !given.isEmpty { return file(given) }
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            return FilePath.join(FilePath.join(xdg, "judgelab"), fileName)
        }
        guard let home = environment["HOME"], home.hasPrefix("/") else { return nil }
        #if os(macOS)
        return FilePath.join(FilePath.join(home, "Library/Caches/judgelab"), fileName)
        #else
        return FilePath.join(FilePath.join(home, ".cache/judgelab"), fileName)
        #endif
    }

    /// `path`, or its `responses.sqlite` when it names a folder.
    static func file(_ path: String) -> String {
        var isFolder: ObjCBool = false
        if path.hasSuffix("/") || (FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue) {
            return FilePath.join(path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path, fileName)
        }
        return path
    }

    /// Makes the cache's folder (readable by its owner only: the cache holds every prompt sent)
    /// and returns the path to open; an error naming the place when it cannot be made.
    /// - Parameter path: the settings' cache (nil: the environment named no place).
    public static func prepare(_ path: String?) throws -> String {
        guard let path else {
            throw InputError(file: "response cache",
                             "no place for it: neither $\(variable), $XDG_CACHE_HOME nor $HOME is set (set one, or run with --no-cache)")
        }
        guard path != none else { return path }
        let folder = FilePath.parent(path)
        var isFolder: ObjCBool = false
        if !folder.isEmpty, FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder) {
            guard isFolder.boolValue else {
                throw InputError(file: folder, "the response cache's folder is a file: set $\(variable) to a writable place, or run with --no-cache")
            }
            return path
        }
        guard !folder.isEmpty else { return path }
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw InputError(file: folder, "cannot create the response cache's folder (\(InputError.reason(of: error) ?? String(describing: error))): set $\(variable) to a writable place, or run with --no-cache")
        }
        return path
    }
}
