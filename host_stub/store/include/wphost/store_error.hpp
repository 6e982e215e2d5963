// wphost/store_error.hpp -- the store's exception: a wp::Error, so it maps onto the ABI unchanged.
#pragma once

#include <wp/error.hpp>

namespace wphost {

/// A store failure: a wp_status telling the caller what to do next, a stable dotted code
/// ("store.conflict", "store.secret_tampered", ...), a user-safe message and a hint.
/// Never carries a secret value.
class StoreError : public wp::Error {
public:
    using wp::Error::Error;
};

} // namespace wphost
