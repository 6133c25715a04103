// The batch APIs' transfers on libcurl: GETs, bodies streamed from files (multipart or whole),
// responses streamed to files. Set up on a handle of their own, freed when done.
import CCurl
import CCurlShim
import Foundation

extension CurlEventLoop.Exchange {
    /// Sets up a GET, a body streamed from a file or a response streamed to one, on a handle
    /// that is not reused after. Returns why it could not, if it could not.
    func prepareTransfer(_ easy: UnsafeMutableRawPointer) -> String? {
        special = true
        if let path = request.downloadTo {
            guard let file = fopen(path, "wb") else { return "could not write \(path): \(String(cString: strerror(errno)))" }
            downloadFile = file
        }
        switch request.upload {
        case nil:
            if request.method == .get {
                _ = jl_easy_setopt_long(easy, CURLOPT_HTTPGET, 1)
            } else {
                _ = jl_easy_setopt_long(easy, CURLOPT_POSTFIELDSIZE, request.body.count)
                request.body.withUnsafeBytes { bytes in
                    _ = jl_easy_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                }
            }
        case let .file(path):
            // libcurl's own read function freads the FILE given as READDATA.
            guard let file = fopen(path, "rb") else { return "could not read \(path): \(String(cString: strerror(errno)))" }
            uploadFile = file
            fseeko(file, 0, SEEK_END)
            let size = ftello(file)
            fseeko(file, 0, SEEK_SET)
            _ = jl_easy_setopt_long(easy, CURLOPT_POST, 1)
            _ = jl_easy_setopt_pointer(easy, CURLOPT_READDATA, UnsafeMutableRawPointer(file))
            _ = jl_easy_setopt_long(easy, CURLOPT_POSTFIELDSIZE_LARGE, Int(size))
        case let .multipart(fields, field, path, fileName, contentType):
            guard access(path, R_OK) == 0 else { return "could not read \(path): \(String(cString: strerror(errno)))" }
            let form = curl_mime_init(easy)
            mime = form
            for (name, value) in fields {
                let part = curl_mime_addpart(form)
                curl_mime_name(part, name)
                let bytes = Array(value.utf8)
                bytes.withUnsafeBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { _ = curl_mime_data(part, $0.baseAddress, buffer.count) }  // copied by libcurl
                }
            }
            let part = curl_mime_addpart(form)
            curl_mime_name(part, field)
            curl_mime_filedata(part, path)  // read as it is sent
            curl_mime_filename(part, fileName)
            curl_mime_type(part, contentType)
            _ = jl_easy_setopt_pointer(easy, CURLOPT_MIMEPOST, UnsafeMutableRawPointer(form))
        }
        return nil
    }

    /// Closes and frees what `prepareTransfer` opened.
    func finishTransfer() {
        if let mime { curl_mime_free(mime) }
        if let uploadFile { fclose(uploadFile) }
        if let downloadFile { fclose(downloadFile) }
        mime = nil
        uploadFile = nil
        downloadFile = nil
    }
}
