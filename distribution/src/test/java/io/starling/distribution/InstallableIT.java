package io.starling.distribution;

import static io.starling.distribution.DistributionZip.property;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.File;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

/**
 * {@code mvn install} goes through this module (docs/PLUGINS.md sends plugin authors there):
 * Maven refuses to install a jar module that built no jar but attached the zip ("did not
 * assign a main file to the project but it has attachments"). A POM module has its POM as
 * main artifact, with the zip attached beside it. Checked on the POM, since CI builds with
 * {@code mvn verify}, which never installs.
 */
class InstallableIT {

    @Test
    void theZipIsAttachedToAPomModuleSoInstallHasAMainArtifact() throws Exception {
        Document pom =
                DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new File(property("distribution.pom")));
        XPath xpath = XPathFactory.newInstance().newXPath();
        assertEquals("pom", xpath.evaluate("/project/packaging", pom), "packaging of distribution/pom.xml");
        assertEquals(
                "",
                xpath.evaluate("//plugin[artifactId='maven-assembly-plugin']//attach", pom),
                "the assembly plugin attaches the zip (its default)");
        assertEquals(
                "false",
                xpath.evaluate("//plugin[artifactId='maven-assembly-plugin']//appendAssemblyId", pom),
                "the zip is the module's artifact without a classifier");
    }
}
