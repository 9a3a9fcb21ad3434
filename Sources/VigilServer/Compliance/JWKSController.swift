import Foundation
import Hummingbird
import VigilCore

/// `GET /.well-known/jwks.json`: the public keys that verify access grants (RFC 7517), for PHI
/// services. Public, like any JWKS: it holds public keys only.
struct JWKSController {
    let compliance: ComplianceServices

    func register(on router: Router<VigilRequestContext>) {
        router.get("/.well-known/jwks.json") { _, _ -> Response in
            let keys = try await compliance.grantKeys.verificationKeys()
            var response = try APIJSON.response(JSONWebKeySet(keys: keys.map(JSONWebKey.init)))
            response.headers[.cacheControl] = "public, max-age=300"
            response.headers[.contentType] = "application/jwk-set+json"
            return response
        }
    }
}
