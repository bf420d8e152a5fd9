package io.starling.admin;

/** Where this node sends its clients, as the admin API changes it (implemented by the broker). */
public interface RedirectControl {

    /**
     * Starts ({@code use-another-server}, {@code server-moved}) or stops ({@code none}) sending
     * this node's clients to the Server Reference, and saves the mode for the next start.
     *
     * @return how many connections were told to leave
     */
    int redirect(String mode);

    /**
     * Forgets the saved mode: {@code starling.mqtt5.redirect} applies again, now.
     *
     * @return how many connections were told to leave
     */
    int clearRedirect();

    /** The mode in effect. */
    String redirectMode();
}
