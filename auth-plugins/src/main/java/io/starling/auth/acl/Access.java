package io.starling.auth.acl;

/** What an ACL line grants: receiving (subscribing), sending (publishing) or both. */
enum Access {
    READ,
    WRITE,
    READWRITE;

    boolean grants(Access wanted) {
        return this == READWRITE || this == wanted;
    }
}
