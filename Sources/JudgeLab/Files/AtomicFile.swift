// Writing a file all at once or not at all.
import Foundation

/// Writes whole files through a temporary sibling and a rename, so that a failure or a crash
/// never leaves a half-written file under the final name.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let temporary = try temporaryPath(for: path)
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw InputError(file: path, "cannot write here (is the folder writable, is the disk full?)")
        }
        try commit(temporary, to: path)
    }

    /// Where to write a file that will replace `path` (in the same folder, so a rename is atomic).
    public static func temporaryPath(for path: String) throws -> String {
        let directory = FilePath.parent(path).isEmpty ? "." : FilePath.parent(path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputError(file: path, "the folder \(directory) does not exist")
        }
        return FilePath.join(directory, ".\(FilePath.name(path)).tmp-\(ProcessInfo.processInfo.processIdentifier)")
    }

    /// Moves a finished temporary file into place (removing it if that fails).
    public static func commit(_ temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw InputError(file: path, "cannot move the new file into place: \(reason)")
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }
}

/// Path arithmetic on plain strings. (Foundation's NSString path methods trap on some short
/// relative paths, e.g. the parent of "s", on this platform.)
public enum FilePath {
    /// The folder part of a path: "" for a bare name, "/" for a file at the root.
    public static func parent(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// The last component of a path.
    public static func name(_ path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return trimmed.split(separator: "/").last.map(String.init) ?? trimmed
    }

    public static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : (folder.hasSuffix("/") ? folder + name : folder + "/" + name)
    }
}
