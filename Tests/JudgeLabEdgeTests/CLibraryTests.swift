// libcurl and libxml2 are linked for real: each is called through its Swift wrapper.
import CCurl
import CCurlShim
import Foundation
import Testing
@testable import JudgeLabHTTP
@testable import JudgeLabXML
import JudgeLabTestSupport

@Suite struct CLibraryTests {
    @Test func libcurlReportsItsVersion() {
        #expect(Curl.ensureInitialised())
        let version = Curl.version
        #expect(version.first?.isNumber == true, "\(version)")
        #expect(version.split(separator: ".").count >= 3)
    }

    @Test func theShimPassesTypedOptionsThroughVariadicCalls() throws {
        Curl.ensureInitialised()
        let handle = try #require(curl_easy_init())
        defer { curl_easy_cleanup(handle) }
        // A pointer set with setopt comes back from getinfo: both variadic calls go through the shim.
        let marker = UnsafeMutableRawPointer(bitPattern: 0x5EED)
        #expect(jl_easy_setopt_pointer(handle, CURLOPT_PRIVATE, marker) == CURLE_OK)
        var back: UnsafeMutableRawPointer?
        #expect(jl_easy_getinfo_pointer(handle, CURLINFO_PRIVATE, &back) == CURLE_OK)
        #expect(back == marker)
        #expect(jl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1) == CURLE_OK)
        #expect(jl_easy_setopt_string(handle, CURLOPT_URL, "http://127.0.0.1:9/") == CURLE_OK)
        // An unknown option number is refused by libcurl itself, so the call really reached it.
        #expect(jl_easy_setopt_long(handle, CURLoption(rawValue: 999_999), 1) != CURLE_OK)
    }

    @Test func libxml2ParsesAndLocatesErrors() throws {
        #expect(LibXML2.version.hasPrefix("2."))
        #expect(try LibXML2.rootElementName(of: Data("<report version=\"1\"><variant/></report>".utf8)) == "report")
        let problem = try #require(throws: XMLProblem.self) {
            try LibXML2.rootElementName(of: Data("<report>\n<variant>\n</report>".utf8))
        }
        #expect(problem.line == 3)
        #expect(problem.message.contains("mismatch"), "\(problem)")
    }
}
